import Foundation
import LoaCore
import LoaL10n
import Yams

/// What a station adds to its plan itself (SPEC §7), kept in `local.yaml` beside its log in the plan's own form:
/// its slot times as the operator changed them (replacing the plan's for this station) and its local announcements
/// (messages of §1 targeting this station only, logged `source: local`). Audio paths are relative to the file's folder
/// and may not leave it.
///
/// ```yaml
/// station: ba-dinh
/// slots:
///   - {name: morning, days: [mon, tue, wed, thu, fri], start: "06:30", length: 900s}
/// messages:
///   - {id: local-hop-to-dan, title: "Họp tổ dân phố", text: "Kính mời …", voice: vi,
///      from: 2026-12-01, to: 2026-12-07, airings: {count: 2, per: day}, targets: [ba-dinh]}
/// ```
public struct LocalAdditions: Sendable, Hashable, Codable {
    /// A slot time: `days` as names (`mon`…`sun`, `t2`…`cn`), `start` `HH:MM`, `length` like `900s` or `15m`.
    public struct Slot: Sendable, Hashable, Codable {
        public var name: String
        public var days: [String]
        public var start: String
        public var length: String
        public init(name: String, days: [String], start: String, length: String) {
            self.name = name; self.days = days; self.start = start; self.length = length
        }
    }
    public struct Airings: Sendable, Hashable, Codable {
        public var count: Int
        /// `day` or `week`.
        public var per: String
        public init(count: Int, per: String) { self.count = count; self.per = per }
    }
    /// A local announcement: exactly one of `audio` (a file in the local folder) or `text` (read aloud).
    public struct Announcement: Sendable, Hashable, Codable {
        public var id: String
        public var title: String
        public var audio: String?
        public var text: String?
        public var voice: String?
        public var from: String
        public var to: String
        public var airings: Airings
        public var slots: [String]?
        public var targets: [String]?
        public init(id: String, title: String, audio: String? = nil, text: String? = nil, voice: String? = nil,
                    from: String, to: String, airings: Airings, slots: [String]? = nil, targets: [String]? = nil) {
            self.id = id; self.title = title; self.audio = audio; self.text = text; self.voice = voice
            self.from = from; self.to = to; self.airings = airings; self.slots = slots; self.targets = targets
        }
    }

    public var station: String
    /// Nil: the plan's slots stand.
    public var slots: [Slot]?
    public var messages: [Announcement]

    public init(station: String, slots: [Slot]? = nil, messages: [Announcement] = []) {
        self.station = station; self.slots = slots; self.messages = messages
    }

    enum CodingKeys: String, CodingKey { case station, slots, messages }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        station = try c.decode(String.self, forKey: .station)
        slots = try c.decodeIfPresent([Slot].self, forKey: .slots)
        messages = try c.decodeIfPresent([Announcement].self, forKey: .messages) ?? []
    }

    /// The file beside a station's log.
    public static func file(besideLog log: URL) -> URL { log.deletingLastPathComponent().appendingPathComponent("local.yaml") }

    /// Reads `local.yaml`; a missing file is empty additions. Errors name the file.
    public static func read(_ url: URL, station: String) throws(LocalAdditionsError) -> LocalAdditions {
        guard FileManager.default.fileExists(atPath: url.path) else { return LocalAdditions(station: station) }
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            return try YAMLDecoder().decode(LocalAdditions.self, from: text)
        } catch {
            throw LocalAdditionsError(file: url.path, Localized(vi: "không đọc được: \(error)", en: "cannot read it: \(error)"))
        }
    }

    /// The YAML text (JSON-style quoted strings, which YAML reads as written), stable field order.
    public func yaml() -> String {
        func q(_ s: String) -> String {
            let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        var out = "# The station's own additions to its plan (loa's page writes this file; `loa check --local` reads it).\n"
        out += "station: \(q(station))\n"
        if let slots {
            out += "slots:\n"
            for s in slots {
                out += "  - {name: \(q(s.name)), days: [\(s.days.map(q).joined(separator: ", "))], start: \(q(s.start)), "
                    + "length: \(q(s.length))}\n"
            }
        }
        out += messages.isEmpty ? "messages: []\n" : "messages:\n"
        for m in messages {
            out += "  - id: \(q(m.id))\n    title: \(q(m.title))\n"
            if let a = m.audio { out += "    audio: \(q(a))\n" }
            if let t = m.text { out += "    text: \(q(t))\n" }
            if let v = m.voice { out += "    voice: \(q(v))\n" }
            out += "    from: \(q(m.from))\n    to: \(q(m.to))\n"
            out += "    airings: {count: \(m.airings.count), per: \(q(m.airings.per))}\n"
            if let s = m.slots { out += "    slots: [\(s.map(q).joined(separator: ", "))]\n" }
            out += "    targets: [\(q(station))]\n"
        }
        return out
    }
}

/// A fault in `local.yaml` or in a change to it: the file or request and what is wrong, in both languages.
public struct LocalAdditionsError: LoaError {
    public enum Kind: Sendable, Hashable { case invalid }
    public let kind: Kind = .invalid
    public let subject: String
    public let localized: Localized
    public init(file: String, _ text: Localized) {
        subject = file
        localized = Localized(vi: "\(file): \(text.vi)", en: "\(file): \(text.en)")
    }
}
