import Foundation
import LoaCore

/// One alert as the hub hands it to a station (`GET /api/v1/stations/ID/alerts`, docs/reference/alerts.md): already
/// mapped and targeted by the hub, its audio (if any) stored as a blob the station fetches with its own token.
/// The hub numbers what it sends each station (`seq`), so a station resumes with `after=` / `Last-Event-ID`.
public struct StationAlert: Codable, Sendable, Hashable {
    /// Hub-wide order of alerts (the SSE `id`); a station asks for those after the last it holds.
    public var seq: Int64
    /// `sender,identifier`: the same key again is the same alert (the hub never sends it twice).
    public var key: String
    /// CAP `identifier`: what the station writes in `detail` of every event of this alert's airings.
    public var identifier: String
    public var sender: String
    /// `air` (Alert or Update) or `cancel`.
    public var action: Action
    /// Keys this alert stops: an Update's `references` (it replaces them) or a Cancel's.
    public var stops: [String]
    /// False for Exercise, System, Test and Draft: the station logs it, never airs it.
    public var airs: Bool
    public var mode: AlertOrder.Mode
    public var effective: Date
    public var expires: Date?
    /// Air again every this many seconds until `expires` (`loa:repeat`); nil airs once.
    public var repeatSeconds: Int?
    /// `loa:hours` as minutes of the day in the plan's zone, e.g. 420...1200 for `07:00-20:00`.
    public var hoursFrom: Int?
    public var hoursTo: Int?
    /// Audio stored at the hub (`GET /api/v1/blobs/SHA256`); nil when the station speaks `text`.
    public var audio: Blob?
    /// Text-to-speech input when there is no audio.
    public var text: String?
    public var voice: String?
    public var headline: String?
    /// When the hub accepted the alert: the start of "receipt → first sample".
    public var receivedAt: Date

    public enum Action: String, Codable, Sendable, Hashable { case air, cancel }

    public struct Blob: Codable, Sendable, Hashable {
        public var sha256: String
        public var size: Int64
        public var mimeType: String
        public init(sha256: String, size: Int64, mimeType: String) {
            self.sha256 = sha256; self.size = size; self.mimeType = mimeType
        }
        enum CodingKeys: String, CodingKey { case sha256, size, mimeType = "mime_type" }
    }

    enum CodingKeys: String, CodingKey {
        case seq, key, identifier, sender, action, stops, airs, mode, effective, expires
        case repeatSeconds = "repeat_s", hoursFrom = "hours_from", hoursTo = "hours_to"
        case audio, text, voice, headline, receivedAt = "received_at"
    }

    public init(seq: Int64, key: String, identifier: String, sender: String, action: Action, stops: [String],
                airs: Bool, mode: AlertOrder.Mode, effective: Date, expires: Date?, repeatSeconds: Int?,
                hoursFrom: Int?, hoursTo: Int?, audio: Blob?, text: String?, voice: String?, headline: String?,
                receivedAt: Date) {
        self.seq = seq; self.key = key; self.identifier = identifier; self.sender = sender; self.action = action
        self.stops = stops; self.airs = airs; self.mode = mode; self.effective = effective; self.expires = expires
        self.repeatSeconds = repeatSeconds; self.hoursFrom = hoursFrom; self.hoursTo = hoursTo; self.audio = audio
        self.text = text; self.voice = voice; self.headline = headline; self.receivedAt = receivedAt
    }

    /// The instants this alert airs at in [from, to), by the same rule as `AlertOrder.airTimes`.
    public func airTimes(from: Date, to: Date, timeZone: TimeZone) -> [Date] {
        guard action == .air else { return [] }
        var order = AlertOrder(key: key, action: .air, airs: airs, targets: [], audio: nil, mode: mode,
                               effective: effective, expires: expires, repeatSeconds: repeatSeconds,
                               hours: nil, headline: headline)
        if let hoursFrom, let hoursTo, hoursFrom <= hoursTo { order.hours = hoursFrom...hoursTo }
        return order.airTimes(from: from, to: to, timeZone: timeZone)
    }

    /// The JSON both sides write: dates as RFC 3339 with milliseconds in UTC, keys as above.
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.format(date, utcOffsetSeconds: 0, milliseconds: true))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return d
    }()
}

extension AlertOrder.Mode: Codable {}
