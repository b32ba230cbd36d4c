import LoaCore
import Foundation
import LoaPlan

/// Turns the log's RFC 3339 timestamps into dates in the plan's zone, fast enough for millions of rows:
/// the text is parsed by LoaCore's one timestamp parser and the zone's offset is looked up once per UTC day.
struct LocalDater {
    let timeZone: TimeZone
    private var offsetByDay: [Int: Int] = [:]

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The plan-local date of `text` (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`), or nil when it is not such a time.
    mutating func date(of text: String) -> CivilDate? {
        var text = text
        return text.withUTF8 { date(bytes: $0) }
    }

    mutating func date(bytes b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard let parsed = Timestamp.parse(bytes: b) else { return nil }
        let utcSeconds = parsed.utcSeconds
        let utcDay = Int((Double(utcSeconds) / 86_400).rounded(.down))
        let offset: Int
        if let cached = offsetByDay[utcDay] {
            offset = cached
        } else {
            // Zones change offset at most a few times a year and never twice in a day: the offset at noon UTC
            // is used for the whole UTC day, except that a day whose two ends disagree is looked up exactly.
            let start = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcDay * 86_400)))
            let end = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcDay * 86_400 + 86_399)))
            if start == end {
                offsetByDay[utcDay] = start
                offset = start
            } else {
                offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcSeconds)))
            }
        }
        let local = utcSeconds + offset
        return CivilDate(dayNumber: Int((Double(local) / 86_400).rounded(.down)))
    }
}
