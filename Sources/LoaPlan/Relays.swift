import Foundation
import LoaCore
import LoaL10n

/// Where a relay's sound comes from (SPEC §10): an HTTP(S)/Icecast MP3 stream, or an ALSA capture device
/// (`alsa:hw:1,0`, a receiver on line-in).
public enum RelaySource: Sendable, Hashable, CustomStringConvertible {
    case stream(URL)
    case capture(device: String)

    /// `http://…`, `https://…` (with a host) or `alsa:PCM` (a PCM name); anything else is nil.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("alsa:") {
            let pcm = String(t.dropFirst("alsa:".count))
            guard !pcm.isEmpty, !pcm.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
            self = .capture(device: pcm)
            return
        }
        guard let url = URL(string: t), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return nil }
        self = .stream(url)
    }

    /// As the plan writes it; what the log records as the relay's `audio`.
    public var description: String {
        switch self {
        case .stream(let url): url.absoluteString
        case .capture(let device): "alsa:\(device)"
        }
    }
}

/// One recurring relay of a station: on `timing.days`, from `timing.start`, for `timing.lengthSeconds`, it airs
/// `source` (*tiếp sóng*).
///
/// ```yaml
/// relays:
///   - {name: vov1-morning, days: [mon-sun], start: "06:00", length: 30m, source: "http://127.0.0.1:8000/vov1.mp3"}
/// ```
public struct RelaySpec: Sendable, Hashable {
    /// Name, days, start and length, read and checked as a slot's are.
    public var timing: SlotSpec
    public var source: RelaySource
    public init(timing: SlotSpec, source: RelaySource) { self.timing = timing; self.source = source }
    public var name: String { timing.name }
}

extension Station {
    /// Relays that occur on `date` (open day, matching weekday), in start order.
    public func relays(on date: CivilDate) -> [RelaySpec] {
        guard !closed.contains(date) else { return [] }
        return relays.filter { $0.timing.days.contains(date.weekday) }.sorted { $0.timing.start < $1.timing.start }
    }
}

extension Station {
    /// Each relay overlapping one of `slots` or an earlier relay of the station, with the words saying so.
    func relayConflicts(slots: [SlotSpec], againstRelays: Bool = true,
                        span: (SlotSpec) -> String) -> [(RelaySpec, Localized)] {
        var out: [(RelaySpec, Localized)] = []
        for (j, relay) in relays.enumerated() {
            let a = relay.timing
            let earlier = againstRelays ? relays[..<j].map { ($0.timing, true) } : []
            for (b, isRelay) in slots.map({ ($0, false) }) + earlier {
                guard let day = PlanBuilder.overlapDay(a, b) else { continue }
                let (whatVI, whatEN) = isRelay ? ("lượt tiếp sóng", "relay") : ("khung giờ", "slot")
                out.append((relay, Localized(
                    vi: "lượt tiếp sóng '\(a.name)' (\(span(a))) chồng lên \(whatVI) '\(b.name)' (\(span(b))) vào \(day.name) "
                        + "ở đài '\(id)'",
                    en: "relay '\(a.name)' (\(span(a))) overlaps \(whatEN) '\(b.name)' (\(span(b))) on \(day.name) "
                        + "at station '\(id)'")))
            }
        }
        return out
    }

    /// Relays the operator's slot times (`local.yaml`) would overlap: the station has one voice.
    public func relayConflicts(withLocalSlots slots: [SlotSpec]) -> [Localized] {
        relayConflicts(slots: slots, againstRelays: false, span: PlanBuilder.span).map { $0.1 }
    }
}

extension PlanBuilder {
    static let relayKeys = ["name", "days", "start", "length", "source"]

    /// `slot_templates` entries: a list of slots, or `{slots: [...], relays: [...]}`.
    func readTemplate(_ e: YEntry) -> Template {
        let context = ("mẫu '\(e.key)'", "template '\(e.key)'")
        guard case .mapping = e.value.node, let entries = r.mapping(e.value, "a slot template", "mẫu khung giờ") else {
            return Template(slots: readSlots(e.value, context: context) ?? [], location: e.keyNode.location)
        }
        let k = r.keyed(entries, in: e.value, allowed: ["slots", "relays"], required: ["slots"],
                        where: "a slot template", "mẫu khung giờ")
        let slots = k["slots"].flatMap { readSlots($0.value, context: context) } ?? []
        let relays = k["relays"].flatMap { $0.value.isNull ? nil : readRelays($0.value, context: context) } ?? []
        return Template(slots: slots, relays: relays, location: e.keyNode.location)
    }

    func readRelays(_ node: YNode, context: (vi: String, en: String)) -> [RelaySpec]? {
        guard let items = r.list(node, "relays", "tiếp sóng", allowScalar: false) else { return nil }
        var relays: [RelaySpec] = []
        for item in items {
            guard let (timing, k) = readTimed(item, allowed: Self.relayKeys, "a relay", "một lượt tiếp sóng"),
                  let e = k["source"], let text = r.string(e.value, "'source'", "'source'") else { continue }
            guard let source = RelaySource(text) else {
                sink.error("nguồn tiếp sóng '\(text)' không hợp lệ: dùng http://…, https://… (luồng MP3) hoặc alsa:PCM",
                           "relay source '\(text)' is not valid: use http://…, https://… (an MP3 stream) or alsa:PCM",
                           at: e.value.location)
                continue
            }
            relays.append(RelaySpec(timing: timing, source: source))
        }
        for j in relays.indices {
            for i in 0..<j where relays[i].name == relays[j].name {
                sink.error("hai lượt tiếp sóng cùng tên '\(relays[j].name)' trong \(context.vi)",
                           "two relays named '\(relays[j].name)' in \(context.en)", at: relays[j].timing.location!)
            }
        }
        return relays
    }

    /// A relay may overlap neither a slot of its station nor another relay: the station has one voice. Without
    /// `fallback:`, intro or outro, an outage would air silence: a warning.
    func checkRelays(_ station: Station) {
        if let first = station.relays.first, station.fallback == nil && station.intro == nil && station.outro == nil {
            sink.warning("đài '\(station.id)' có tiếp sóng nhưng không có 'fallback' (hay intro, outro): khi mất nguồn "
                         + "sẽ phát im lặng",
                         "station '\(station.id)' has relays but no 'fallback' (nor intro or outro): an outage of the "
                         + "source will air silence", at: first.timing.location!)
        }
        for (relay, text) in station.relayConflicts(slots: station.slots, span: span) {
            sink.error(text.vi, text.en, at: relay.timing.location!)
        }
    }

    /// The first weekday on which `a` and `b` both run and their times meet; nil when they never do.
    static func overlapDay(_ a: SlotSpec, _ b: SlotSpec) -> Weekday? {
        let common = WeekdaySet(rawValue: a.days.rawValue & b.days.rawValue)
        guard let day = common.days.first else { return nil }
        let aStart = a.start.minutes * 60, bStart = b.start.minutes * 60
        return aStart < bStart + b.lengthSeconds && bStart < aStart + a.lengthSeconds ? day : nil
    }
}
