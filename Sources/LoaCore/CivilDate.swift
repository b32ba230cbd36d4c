/// A calendar date with no time or zone, in the proleptic Gregorian calendar. Arithmetic is on a day number
/// (days since 1970-01-01) so the scheduler can walk a year of days without Foundation calendars.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD` exactly.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((dayNumber % 7) + 7 + 3) % 7
        return Weekday(rawValue: index)!
    }

    /// ISO-8601 week: the year that owns the week and its number (1…53).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = adding(days: 3 - weekday.rawValue)
        let jan1 = CivilDate(year: thursday.year, month: 1, day: 1)!
        return (thursday.year, (thursday.dayNumber - jan1.dayNumber) / 7 + 1)
    }

    public var quarter: Int { (month - 1) / 3 + 1 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)", d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }
}

/// An inclusive range of dates.
public struct DateRange: Hashable, Sendable, CustomStringConvertible {
    public var from: CivilDate
    public var to: CivilDate
    public init(from: CivilDate, to: CivilDate) { self.from = from; self.to = to }
    public var isEmpty: Bool { from > to }
    public var dayCount: Int { max(0, to.dayNumber - from.dayNumber + 1) }
    public func contains(_ date: CivilDate) -> Bool { date >= from && date <= to }
    public func intersection(_ other: DateRange) -> DateRange? {
        let r = DateRange(from: max(from, other.from), to: min(to, other.to))
        return r.isEmpty ? nil : r
    }
    public var days: [CivilDate] {
        isEmpty ? [] : (from.dayNumber...to.dayNumber).map(CivilDate.init(dayNumber:))
    }
    public var description: String { "\(from)…\(to)" }
}

/// Monday = 0 … Sunday = 6 (ISO order).
public enum Weekday: Int, Sendable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun
    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }

    /// `mon`…`sun`, and the Vietnamese `t2`…`t7`, `cn` (thứ hai … chủ nhật).
    public init?(name: String) {
        switch name.lowercased() {
        case "mon", "t2": self = .mon
        case "tue", "t3": self = .tue
        case "wed", "t4": self = .wed
        case "thu", "t5": self = .thu
        case "fri", "t6": self = .fri
        case "sat", "t7": self = .sat
        case "sun", "cn": self = .sun
        default: return nil
        }
    }
    public var name: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }
}

/// A set of weekdays as a bit mask (bit n = Weekday(rawValue: n)).
public struct WeekdaySet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ days: [Weekday]) { self.rawValue = days.reduce(0) { $0 | (1 << UInt8($1.rawValue)) } }
    public static let all = WeekdaySet(rawValue: 0x7F)
    public func contains(_ day: Weekday) -> Bool { rawValue & (1 << UInt8(day.rawValue)) != 0 }
    public var days: [Weekday] { Weekday.allCases.filter(contains) }
}

/// A wall-clock time of day in the plan's zone, as minutes after midnight.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutes: Int
    public init?(minutes: Int) { guard (0..<1440).contains(minutes) else { return nil }; self.minutes = minutes }
    /// Parses `HH:MM` (24-hour).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        self.minutes = h * 60 + m
    }
    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }
    public var description: String {
        (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }
}
