import Foundation
import LoaPlan

/// Turns the log's RFC 3339 timestamps into dates in the plan's zone, fast enough for millions of rows:
/// the text is parsed by hand and the zone's offset is looked up once per UTC day.
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
        func num(_ at: Int, _ len: Int) -> Int? {
            guard at + len <= b.count else { return nil }
            var v = 0
            for i in at..<at + len {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116 || b[10] == 32,
              b[13] == 58, b[16] == 58,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), let day = CivilDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 61 else {
            return nil
        }
        var i = 19
        if i < b.count, b[i] == 46 { i += 1; while i < b.count, b[i] >= 48 && b[i] <= 57 { i += 1 } }
        guard i < b.count else { return nil }
        let written: Int
        if b[i] == 90 || b[i] == 122 {
            written = 0
        } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58,
                  let om = num(i + 4, 2) {
            written = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        let utcSeconds = day.dayNumber * 86_400 + h * 3600 + mi * 60 + s - written
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
