import Foundation

/// RFC 3339 times, the one form Loa writes and reads: `2026-06-01T06:00:00.012+07:00` in the log (`at`,
/// `slot_start`), `2026-06-01T06:00:00+07:00` in the schedule (`start`). One formatter and one parser for all.
public enum Timestamp {
    /// The instant shown in `timeZone` (its offset at that instant), with milliseconds: the log's form.
    public static func format(_ date: Date, timeZone: TimeZone) -> String {
        format(date, utcOffsetSeconds: timeZone.secondsFromGMT(for: date), milliseconds: true)
    }

    /// The instant shown at a fixed offset from UTC. Fractions are cut (never rounded up), so a time never reads
    /// later than it was.
    public static func format(_ date: Date, utcOffsetSeconds: Int, milliseconds: Bool = false) -> String {
        var text = TextBuffer(capacity: 29)
        text.put(timestamp: date, utcOffsetSeconds: utcOffsetSeconds, milliseconds: milliseconds)
        return text.string
    }

    /// What a timestamp says: the local date and time it was written in, and its offset.
    public struct Parsed: Sendable, Hashable {
        /// The date as written (local to the offset).
        public var localDate: CivilDate
        public var secondOfDay: Int
        public var milliseconds: Int
        public var utcOffsetSeconds: Int
        /// Whole seconds since 1970-01-01 UTC.
        public var utcSeconds: Int {
            localDate.dayNumber * 86_400 + secondOfDay - utcOffsetSeconds
        }
        public var date: Date {
            Date(timeIntervalSince1970: Double(utcSeconds) + Double(milliseconds) / 1000)
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)` (also with `t` or a space for `T`, `z` for `Z`); nil otherwise.
    public static func parse(_ text: String) -> Date? { parseFields(text)?.date }

    public static func parseFields(_ text: String) -> Parsed? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Parsed? {
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
              let s = num(17, 2), let day = CivilDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 60 else {
            return nil
        }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48 && b[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        guard i < b.count else { return nil }
        let offset: Int
        if b[i] == 90 || b[i] == 122 {
            offset = 0; i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58,
                  let om = num(i + 4, 2), oh < 24, om < 60 {
            offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return Parsed(localDate: day, secondOfDay: h * 3600 + mi * 60 + s, milliseconds: millis,
                      utcOffsetSeconds: offset)
    }
}

extension TextBuffer {
    /// `2026-06-01T06:00:00[.012]+07:00`.
    public mutating func put(timestamp date: Date, utcOffsetSeconds offset: Int, milliseconds: Bool) {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) + Int64(offset) * 1000
        let millis = Int(((totalMillis % 1000) + 1000) % 1000)
        let local = (totalMillis - Int64(millis)) / 1000
        let day = Int((local >= 0 ? local : local - 86_399) / 86_400)
        let secs = Int(local - Int64(day) * 86_400)
        put(date: CivilDate(dayNumber: day))
        put(byte: UInt8(ascii: "T"))
        put(padded: secs / 3600, width: 2); put(byte: UInt8(ascii: ":"))
        put(padded: secs / 60 % 60, width: 2); put(byte: UInt8(ascii: ":"))
        put(padded: secs % 60, width: 2)
        if milliseconds { put(byte: UInt8(ascii: ".")); put(padded: millis, width: 3) }
        put(byte: UInt8(ascii: offset < 0 ? "-" : "+"))
        put(padded: abs(offset) / 3600, width: 2); put(byte: UInt8(ascii: ":"))
        put(padded: abs(offset) / 60 % 60, width: 2)
    }
}
