import Foundation
import LoaL10n

/// `schedule.jsonl`, both ways: one slot occurrence per line (docs/reference/schedule-file.md). The same code writes
/// what `loa schedule` produces and reads what `loa run --schedule` airs.
public enum ScheduleFile {
    /// One line, without the newline.
    public static func line(_ o: SlotOccurrence) -> String {
        var text = TextBuffer()
        text.put(line: o)
        return text.string
    }

    /// A line read back, with its 1-based line number. Its items' media carry only the path the file names:
    /// audio is located through the plan (`Plan.resolving(_:)` in LoaSchedule), never from the file.
    public struct Entry: Sendable, Hashable {
        public var line: Int
        public var occurrence: SlotOccurrence
    }

    /// Every slot occurrence of `station` (all stations when nil), in file order; blank lines are skipped.
    /// Errors name `file` and the line.
    public static func decode(_ data: Data, file: String, station: String? = nil) throws(ScheduleFileError) -> [Entry] {
        var out: [Entry] = []
        let decoder = JSONDecoder()
        for (n, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let bytes = raw.filter { $0 != 0x0D }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let parsed: Line
            do { parsed = try decoder.decode(Line.self, from: Data(bytes)) } catch {
                let why = describe(error)
                throw ScheduleFileError(.malformed, file: file, line: n + 1,
                                        Localized(vi: "dòng lịch phát không hợp lệ (\(why.vi))",
                                                  en: "not a schedule line (\(why.en))"))
            }
            if let station, parsed.station != station { continue }
            out.append(Entry(line: n + 1, occurrence: try parsed.occurrence(file: file, line: n + 1)))
        }
        return out
    }

    /// The JSON of one line, as written.
    struct Line: Decodable {
        struct Item: Decodable {
            var kind: String
            var message: String?
            var priority: String?
            var audio: String
            var offset_s: Double
            var duration_s: Double
        }
        var station: String
        var date: String
        var slot: String
        var start: String
        var length_s: Double
        var items: [Item]

        /// Every number gets a range before any arithmetic on it: a day holds 86,400 seconds.
        func occurrence(file: String, line: Int) throws(ScheduleFileError) -> SlotOccurrence {
            func fail(_ vi: String, _ en: String) -> ScheduleFileError {
                ScheduleFileError(.invalid, file: file, line: line, Localized(vi: vi, en: en))
            }
            guard let day = CivilDate(date) else { throw fail("ngày sai: \(date)", "bad date: \(date)") }
            guard let at = Timestamp.parseFields(start) else {
                throw fail("giờ bắt đầu sai: \(start)", "bad start: \(start)")
            }
            guard length_s.isFinite, length_s >= 1, length_s <= 86_400, length_s == length_s.rounded() else {
                throw fail("length_s phải là số giây nguyên từ 1 đến 86400", "length_s must be whole seconds, 1 to 86400")
            }
            var scheduled: [ScheduledItem] = []
            for item in items {
                guard let kind = ScheduledItem.Kind(rawValue: item.kind) else {
                    throw fail("loại mục sai: \(item.kind)", "bad item kind: \(item.kind)")
                }
                let priority = item.priority.flatMap(Priority.init(name:))
                if let word = item.priority, priority == nil {
                    throw fail("mức ưu tiên sai: \(word)", "bad priority: \(word)")
                }
                guard (0...86_400).contains(item.offset_s), (0...86_400).contains(item.duration_s) else {
                    throw fail("offset_s và duration_s phải từ 0 đến 86400 giây",
                               "offset_s and duration_s must be 0 to 86400 seconds")
                }
                scheduled.append(ScheduledItem(kind: kind, message: item.message, priority: priority,
                                           media: Media(path: item.audio), offset: item.offset_s,
                                           duration: item.duration_s))
            }
            return SlotOccurrence(station: station, date: day, slot: slot, start: at.date,
                                  utcOffsetSeconds: at.utcOffsetSeconds, lengthSeconds: Int(length_s), items: scheduled)
        }
    }

    static func describe(_ error: any Error) -> Localized {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return Localized(vi: "thiếu trường \(key.stringValue)", en: "missing \(key.stringValue)")
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            let at = c.codingPath.map(\.stringValue).joined(separator: ".")
            return Localized(vi: "sai kiểu ở \(at)", en: "wrong type at \(at)")
        default:
            return Localized(vi: "không phải JSON", en: "not JSON")
        }
    }
}

/// A schedule file that cannot be aired as written: `file:line: error: …`.
public struct ScheduleFileError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Not a schedule line (not JSON, a field missing or of the wrong type).
        case malformed
        /// A value out of range or not allowed.
        case invalid
        /// Does not match the plan (unknown message, audio the plan does not name, wrong station).
        case notInPlan
        /// The file could not be read.
        case unreadable
    }
    public var kind: Kind
    public var file: String
    public var line: Int?
    public var reason: Localized

    public init(_ kind: Kind, file: String, line: Int?, _ reason: Localized) {
        self.kind = kind; self.file = file; self.line = line; self.reason = reason
    }

    public var subject: String { line.map { "\(file):\($0)" } ?? file }
    public var localized: Localized {
        let at = subject
        return Localized(vi: "\(at): lỗi: \(reason.vi)", en: "\(at): error: \(reason.en)")
    }
}

extension TextBuffer {
    /// One line of `schedule.jsonl` (without the newline).
    public mutating func put(line o: SlotOccurrence) {
        put("{\"station\":"); put(quoted: o.station)
        put(",\"date\":\""); put(date: o.date)
        put("\",\"slot\":"); put(quoted: o.slot)
        put(",\"start\":\""); put(timestamp: o.start, utcOffsetSeconds: o.utcOffsetSeconds, milliseconds: false)
        put("\",\"length_s\":"); put(int: o.lengthSeconds)
        put(",\"used_s\":"); put(seconds: o.usedSeconds)
        put(",\"items\":[")
        for (i, item) in o.items.enumerated() {
            if i > 0 { put(byte: UInt8(ascii: ",")) }
            switch item.kind {
            case .intro: put("{\"kind\":\"intro\"")
            case .message: put("{\"kind\":\"message\"")
            case .outro: put("{\"kind\":\"outro\"")
            case .relay: put("{\"kind\":\"relay\"")
            }
            if let m = item.message { put(",\"message\":"); put(quoted: m) }
            switch item.priority {
            case .normal?: put(",\"priority\":\"normal\"")
            case .priority?: put(",\"priority\":\"priority\"")
            case .emergency?: put(",\"priority\":\"emergency\"")
            case nil: break
            }
            put(",\"audio\":"); put(quoted: item.media.path)
            put(",\"offset_s\":"); put(seconds: item.offset)
            put(",\"duration_s\":"); put(seconds: item.duration)
            put(byte: UInt8(ascii: "}"))
        }
        put("]}")
    }
}
