import Crypto
import Foundation
import LoaCore
import LoaL10n

/// What a CAP alert asks Loa's stations to do (docs/reference/alerts.md): which stations, what to air, how urgently,
/// between which instants, how often, and whether it replaces or cancels an earlier alert.
public struct AlertOrder: Sendable, Hashable {
    public enum Audio: Sendable, Hashable {
        /// The resource's bytes (inline, digest already checked).
        case bytes(Data, mimeType: String)
        /// A `uri` the hub fetches from itself; `digest` (hex SHA-1) must match what it gets.
        case fetch(uri: String, mimeType: String, digest: String?)
        /// Text-to-speech of headline, description and instruction, in `voice`.
        case speech(text: String, voice: String)
    }
    public enum Mode: String, Sendable, Hashable {
        /// Urgency Immediate: cut into whatever plays.
        case cutIn = "cut_in"
        /// Expected or Future: first in the next slot.
        case nextSlot = "next_slot"
    }
    public enum Action: Sendable, Hashable {
        case air
        /// Replaces these earlier alerts (their later airings stop).
        case update(replacing: [String])
        /// Stops these alerts' later airings and cuts them if on air.
        case cancel([String])
    }

    /// `sender,identifier`.
    public var key: String
    public var action: Action
    /// False for Exercise, System, Test and Draft: logged, never aired.
    public var airs: Bool
    public var targets: [Target]
    public var audio: Audio?
    public var mode: Mode
    public var effective: Date
    public var expires: Date?
    /// Air again every this many seconds until `expires` (`loa:repeat`).
    public var repeatSeconds: Int?
    /// Only between these minutes of the day, in the plan's zone (`loa:hours`).
    public var hours: ClosedRange<Int>?
    public var headline: String?

    /// Who an alert reaches: a station, a group of the plan, or every station.
    public enum Target: Sendable, Hashable {
        case all, group(String), station(String)
    }
}

extension AlertOrder {
    /// Maps a checked CAP alert for a plan with these stations and groups. `receivedAt` is the hub's receipt: an
    /// alert already expired is refused, not aired late.
    public static func make(from alert: CAPAlert, stations: Set<String>, groups: Set<String>,
                            receivedAt: Date) throws(AlertError) -> AlertOrder {
        let infos = alert.infos
        let action: Action = switch alert.messageType {
        case .update: .update(replacing: alert.references.map(\.key))
        case .cancel: .cancel(alert.references.map(\.key))
        default: .air
        }
        if case .cancel = action {
            return AlertOrder(key: alert.key, action: action, airs: alert.status == .actual, targets: [], audio: nil,
                              mode: .cutIn, effective: alert.sent, expires: nil, repeatSeconds: nil, hours: nil,
                              headline: infos.first?.headline)
        }
        guard let info = infos.first else { throw AlertError(.missing, at: "alert/info", "") }
        var targets: [Target] = []
        for (name, value) in info.geocodes {
            switch name {
            case "loa:station":
                guard stations.contains(value) else { throw AlertError(.unknownGeocode, at: "loa:station", value) }
                targets.append(.station(value))
            case "loa:group":
                if value == "all" { targets.append(.all); continue }
                guard groups.contains(value) else { throw AlertError(.unknownGeocode, at: "loa:group", value) }
                targets.append(.group(value))
            default:
                continue  // other geocode schemes (provinces' own codes) name no Loa station
            }
        }
        guard !targets.isEmpty else { throw AlertError(.noTargets, at: "alert/info/area/geocode", "") }
        let effective = info.effective ?? alert.sent
        if let expires = info.expires {
            guard expires > effective else { throw AlertError(.badValue, at: "alert/info/expires", "before effective") }
            guard expires > receivedAt else { throw AlertError(.expired, at: "alert/info/expires", "\(expires)") }
        }
        var repeatSeconds: Int?
        if let text = info.parameter("loa:repeat") {
            guard let s = ISODuration.seconds(text), s >= 60, s <= 7 * 86_400 else {
                throw AlertError(.badValue, at: "loa:repeat", text)
            }
            guard info.expires != nil else { throw AlertError(.missing, at: "alert/info/expires", "loa:repeat") }
            repeatSeconds = s
        }
        var hours: ClosedRange<Int>?
        if let text = info.parameter("loa:hours") {
            let parts = text.split(separator: "-").map { TimeOfDay(String($0).trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let from = parts[0], let to = parts[1], from < to else {
                throw AlertError(.badValue, at: "loa:hours", text)
            }
            hours = from.minutes...to.minutes
        }
        return AlertOrder(key: alert.key, action: action, airs: alert.status == .actual, targets: targets,
                          audio: try audio(of: info), mode: info.urgency == .immediate ? .cutIn : .nextSlot,
                          effective: effective, expires: info.expires, repeatSeconds: repeatSeconds, hours: hours,
                          headline: info.headline)
    }

    static func audio(of info: CAPInfo) throws(AlertError) -> Audio {
        if let resource = info.resources.first(where: \.isAudio) {
            if let bytes = resource.inline {
                if let digest = resource.digest {
                    let actual = CAPDigest.sha1Hex(bytes)
                    guard actual == digest else {
                        throw AlertError(.digestMismatch, at: "resource/digest", "\(digest) ≠ \(actual)")
                    }
                }
                return .bytes(bytes, mimeType: resource.mimeType)
            }
            if let uri = resource.uri { return .fetch(uri: uri, mimeType: resource.mimeType, digest: resource.digest) }
            throw AlertError(.missing, at: "resource/derefUri", "uri")
        }
        let text = [info.headline, info.description, info.instruction].compactMap { $0 }.joined(separator: ". ")
        guard !text.isEmpty else { throw AlertError(.missing, at: "alert/info/headline", "no audio resource, no text") }
        return .speech(text: text, voice: info.language.lowercased().hasPrefix("vi") ? "vi" : "en")
    }

    /// Every instant the alert airs at in [from, to): from `effective` (or `from`, when later) and then every
    /// `repeatSeconds` until `expires`, skipping times outside `hours` to the next start of `hours`; one instant when
    /// it does not repeat. `timeZone` is the plan's (the hours are its wall-clock hours).
    public func airTimes(from: Date, to: Date, timeZone: TimeZone) -> [Date] {
        guard airs, case .air = action.kindForTimes else { return [] }
        let end = min(to, expires ?? to)
        // Whole seconds, as the hours' openings are: a grid at .125 s would put a repeat 125 ms after an opening.
        let effective = Date(timeIntervalSince1970: effective.timeIntervalSince1970.rounded(.down))
        var t = max(effective, from)
        var out: [Date] = []
        let step = TimeInterval(repeatSeconds ?? 0)
        while t < end, out.count < 10_000 {
            let shifted = inHours(t, timeZone: timeZone)
            if shifted >= end { break }
            out.append(shifted)
            guard step > 0 else { break }
            // The next repeat counts from the grid that started at `effective`, not from a shifted time.
            let k = (shifted.timeIntervalSince(effective) / step).rounded(.down) + 1
            t = effective.addingTimeInterval(k * step)
        }
        return out
    }

    private func inHours(_ t: Date, timeZone: TimeZone) -> Date {
        guard let hours else { return t }
        let offset = timeZone.secondsFromGMT(for: t)
        let local = Int(t.timeIntervalSince1970) + offset
        let minute = ((local % 86_400) + 86_400) % 86_400 / 60
        if hours.contains(minute) { return t }
        let dayStart = local - (((local % 86_400) + 86_400) % 86_400)
        let next = minute < hours.lowerBound ? dayStart + hours.lowerBound * 60 : dayStart + 86_400 + hours.lowerBound * 60
        return Date(timeIntervalSince1970: TimeInterval(next - offset))
    }
}

extension AlertOrder.Action {
    /// Updates air like alerts (they replace the earlier one); cancels never air.
    var kindForTimes: AlertOrder.Action {
        if case .cancel = self { return self }
        return .air
    }
}

/// ISO 8601 durations as CAP parameters write them: `PT1H`, `PT30M`, `P1D`, `P1DT2H30M`, `PT90S`.
public enum ISODuration {
    public static func seconds(_ text: String) -> Int? {
        var s = Substring(text.uppercased())
        guard s.first == "P" else { return nil }
        s = s.dropFirst()
        var total = 0, number = "", inTime = false, sawAny = false
        for ch in s {
            if ch == "T" { guard !inTime, number.isEmpty else { return nil }; inTime = true; continue }
            if ch.isASCII, ch.isNumber { number.append(ch); continue }
            guard let n = Int(number), n <= 1_000_000 else { return nil }
            switch (ch, inTime) {
            case ("D", false): total += n * 86_400
            case ("H", true): total += n * 3600
            case ("M", true): total += n * 60
            case ("S", true): total += n
            default: return nil
            }
            number = ""; sawAny = true
        }
        return sawAny && number.isEmpty ? total : nil
    }
}

/// Why a CAP document or alert was refused, naming the element (`alert/info[1]/urgency`) and the value.
public struct AlertError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case malformed, forbiddenDeclaration, tooLarge, missing, badValue, unknownGeocode, noTargets, digestMismatch
        case expired
    }
    public var kind: Kind
    /// The element or parameter at fault.
    public var subject: String
    public var value: String

    public init(_ kind: Kind, at subject: String, _ value: String) {
        self.kind = kind; self.subject = subject; self.value = value
    }

    public var localized: Localized {
        let v = value.isEmpty ? "" : ": \(value)"
        return switch kind {
        case .malformed: Localized(vi: "XML không hợp lệ (\(subject))", en: "malformed XML (\(subject))")
        case .forbiddenDeclaration:
            Localized(vi: "bản tin CAP không được có DOCTYPE hay ENTITY (từ chối, không mở rộng)",
                      en: "a CAP alert may not carry a DOCTYPE or ENTITY (refused, never expanded)")
        case .tooLarge: Localized(vi: "bản tin CAP quá lớn\(v)", en: "the CAP alert is too large\(v)")
        case .missing: Localized(vi: "thiếu \(subject)\(v)", en: "missing \(subject)\(v)")
        case .badValue: Localized(vi: "giá trị sai ở \(subject)\(v)", en: "bad value at \(subject)\(v)")
        case .unknownGeocode:
            Localized(vi: "mã vùng \(subject) không có trong kế hoạch\(v)", en: "unknown geocode \(subject)\(v)")
        case .noTargets:
            Localized(vi: "bản tin không nhắm đài nào (cần geocode loa:station hoặc loa:group)",
                      en: "the alert targets no station (needs a loa:station or loa:group geocode)")
        case .digestMismatch:
            Localized(vi: "âm thanh không khớp digest\(v)", en: "the audio does not match its digest\(v)")
        case .expired: Localized(vi: "bản tin đã hết hạn\(v)", en: "the alert has already expired\(v)")
        }
    }
}
