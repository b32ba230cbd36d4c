import Foundation
import LoaL10n
import LoaPlan
import LoaSchedule

/// Reads `schedule.jsonl` (SPEC §2) back into slot occurrences, so `loa run --schedule` can air a schedule made
/// elsewhere (a district office, a rehearsal) exactly as written.
public enum ScheduleFile {
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
        var length_s: Int
        var items: [Item]
    }

    /// Every slot occurrence of `station` (all stations when nil), in file order. Errors name the file and line.
    public static func read(_ url: URL, station: String? = nil) throws -> [SlotOccurrence] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ControlError(tr("\(url.path): không đọc được lịch phát: \(error.localizedDescription)",
                                  "\(url.path): cannot read the schedule: \(error.localizedDescription)"))
        }
        var out: [SlotOccurrence] = []
        let decoder = JSONDecoder()
        for (n, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = raw.filter { $0 != 0x0D }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            func fail(_ why: String) -> ControlError { ControlError("\(url.path):\(n + 1): error: \(why)") }
            let parsed: Line
            do { parsed = try decoder.decode(Line.self, from: Data(line)) } catch {
                throw fail(tr("dòng lịch phát không hợp lệ (\(describe(error)))",
                              "not a schedule line (\(describe(error)))"))
            }
            if let station, parsed.station != station { continue }
            guard let date = CivilDate(parsed.date) else { throw fail(tr("ngày sai: \(parsed.date)", "bad date: \(parsed.date)")) }
            guard let start = Timestamp.parse(parsed.start), let offset = utcOffset(of: parsed.start) else {
                throw fail(tr("giờ bắt đầu sai: \(parsed.start)", "bad start: \(parsed.start)"))
            }
            guard parsed.length_s > 0 else { throw fail(tr("độ dài khung giờ phải dương", "length_s must be positive")) }
            var items: [ScheduledItem] = []
            for item in parsed.items {
                guard let kind = ScheduledItem.Kind(rawValue: item.kind) else {
                    throw fail(tr("loại mục sai: \(item.kind)", "bad item kind: \(item.kind)"))
                }
                let priority = item.priority.flatMap(Priority.init(name:))
                if item.priority != nil && priority == nil {
                    throw fail(tr("mức ưu tiên sai: \(item.priority!)", "bad priority: \(item.priority!)"))
                }
                guard item.duration_s >= 0, item.offset_s >= 0 else {
                    throw fail(tr("thời lượng hoặc vị trí âm", "negative offset or duration"))
                }
                items.append(ScheduledItem(kind: kind, message: item.message, priority: priority, audio: item.audio,
                                           offset: item.offset_s, duration: item.duration_s))
            }
            out.append(SlotOccurrence(station: parsed.station, date: date, slot: parsed.slot, start: start,
                                      utcOffsetSeconds: offset, lengthSeconds: parsed.length_s, items: items))
        }
        return out
    }

    /// Seconds east of UTC from the end of an RFC 3339 time (`Z`, `+07:00`).
    static func utcOffset(of text: String) -> Int? {
        if text.hasSuffix("Z") { return 0 }
        let tail = text.suffix(6)
        guard tail.count == 6, let sign = tail.first, sign == "+" || sign == "-",
              let h = Int(tail.dropFirst().prefix(2)), let m = Int(tail.suffix(2)) else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return tr("thiếu trường \(key.stringValue)", "missing \(key.stringValue)")
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return tr("sai kiểu ở \(c.codingPath.map(\.stringValue).joined(separator: "."))",
                      "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))")
        default: return tr("không phải JSON", "not JSON")
        }
    }
}
