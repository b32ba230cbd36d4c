import LoaCore
/// What one station owes for one message in one quota period (SPEC §1 "Quota").
public struct Obligation: Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var station: String
    /// `2026-06-01` (day), `2026-W23` (ISO week), `2026-06` (month), `2026-Q2` (quarter) or `window`.
    public var period: String
    /// The part of the period inside the message's window (P∩W), inclusive.
    public var from: CivilDate
    public var to: CivilDate
    /// Airings owed in `from…to`.
    public var required: Int

    public init(message: String, station: String, period: String, from: CivilDate, to: CivilDate, required: Int) {
        self.message = message; self.station = station; self.period = period; self.from = from; self.to = to
        self.required = required
    }
    public var range: DateRange { DateRange(from: from, to: to) }
    public var description: String { "\(message)@\(station) \(period) \(from)…\(to): \(required)" }
}

/// One quota period P meeting a window, with its label and full extent (P may run past the window and the plan).
public struct QuotaPeriodSpan: Sendable, Hashable {
    public var label: String
    public var period: DateRange
    public var clipped: DateRange
}

public enum QuotaArithmetic {
    /// The periods of `per` that meet `window`, in date order. `per: window` gives the window itself.
    public static func periods(_ per: QuotaPeriod, meeting window: DateRange) -> [QuotaPeriodSpan] {
        guard !window.isEmpty else { return [] }
        var spans: [QuotaPeriodSpan] = []
        switch per {
        case .window:
            return [QuotaPeriodSpan(label: "window", period: window, clipped: window)]
        case .day:
            for n in window.from.dayNumber...window.to.dayNumber {
                let d = CivilDate(dayNumber: n)
                let r = DateRange(from: d, to: d)
                spans.append(QuotaPeriodSpan(label: d.description, period: r, clipped: r))
            }
        case .week:
            var monday = window.from.adding(days: -window.from.weekday.rawValue)
            while monday <= window.to {
                let p = DateRange(from: monday, to: monday.adding(days: 6))
                let (y, w) = monday.adding(days: 3).isoWeek
                let label = "\(pad4(y))-W\(w < 10 ? "0" : "")\(w)"
                spans.append(QuotaPeriodSpan(label: label, period: p, clipped: p.intersection(window)!))
                monday = monday.adding(days: 7)
            }
        case .month, .quarter:
            let step = per == .month ? 1 : 3
            var year = window.from.year
            var month = per == .month ? window.from.month : (window.from.quarter - 1) * 3 + 1
            while true {
                let first = CivilDate(year: year, month: month, day: 1)!
                if first > window.to { break }
                let lastMonth = month + step - 1
                let last = CivilDate(year: year, month: lastMonth,
                                     day: CivilDate.daysIn(month: lastMonth, year: year))!
                let p = DateRange(from: first, to: last)
                let label = per == .month
                    ? "\(pad4(year))-\(month < 10 ? "0" : "")\(month)"
                    : "\(pad4(year))-Q\(first.quarter)"
                spans.append(QuotaPeriodSpan(label: label, period: p, clipped: p.intersection(window)!))
                month += step
                if month > 12 { month -= 12; year += 1 }
            }
        }
        return spans
    }

    /// `ceil(count × e(P∩W) / e(P))`, 0 when `e(P)` is 0.
    public static func owed(count: Int, eligibleInPeriod eP: Int, eligibleInClipped ePW: Int) -> Int {
        guard eP > 0, ePW > 0, count > 0 else { return 0 }
        return (count * ePW + eP - 1) / eP
    }

    /// Obligations for a quota over `window`, given which days are eligible (`eligible(dayNumber)`).
    /// Periods whose owed count is 0 are left out. `within` keeps only periods whose P∩W meets it.
    public static func obligations(message: String, station: String, quota: Quota, window: DateRange,
                                   within range: DateRange? = nil,
                                   eligible: (Int) -> Bool) -> [Obligation] {
        detailedObligations(message: message, station: station, quota: quota, window: window, within: range,
                            eligible: eligible).map(\.obligation)
    }

    /// An obligation with what explains it: the whole period and its eligible-day counts.
    public struct Detail: Sendable, Hashable {
        public var obligation: Obligation
        public var period: DateRange
        /// e(P) and e(P∩W).
        public var eligibleInPeriod: Int
        public var eligibleInWindow: Int
    }

    /// As `obligations`, keeping e(P), e(P∩W) and P (the scheduler explains shortfalls with them).
    public static func detailedObligations(message: String, station: String, quota: Quota, window: DateRange,
                                           within range: DateRange? = nil,
                                           eligible: (Int) -> Bool) -> [Detail] {
        var result: [Detail] = []
        func count(_ r: DateRange) -> Int {
            var c = 0
            if !r.isEmpty { for n in r.from.dayNumber...r.to.dayNumber where eligible(n) { c += 1 } }
            return c
        }
        for span in periods(quota.per, meeting: window) {
            if let range, span.clipped.intersection(range) == nil { continue }
            let ePW = count(span.clipped)
            // P∩W = P in the common case (and always for per: day and per: window): count once.
            let eP = span.clipped == span.period ? ePW : count(span.period)
            let required = quota.per == .day || quota.per == .window
                ? (ePW > 0 ? max(0, quota.count) : 0)
                : owed(count: quota.count, eligibleInPeriod: eP, eligibleInClipped: ePW)
            guard required > 0 else { continue }
            let ob = Obligation(message: message, station: station, period: span.label,
                                from: span.clipped.from, to: span.clipped.to, required: required)
            result.append(Detail(obligation: ob, period: span.period, eligibleInPeriod: eP, eligibleInWindow: ePW))
        }
        return result
    }

    private static func pad4(_ y: Int) -> String {
        let s = String(y)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

extension Station {
    /// Weekdays on which this station has a slot `message` may use (closed days aside).
    public func usableWeekdays(for message: Message) -> WeekdaySet {
        slots.reduce(into: WeekdaySet()) { set, slot in
            if message.mayUse(slot) { set.formUnion(slot.days) }
        }
    }

    /// Whether the station has, on `date`, a slot `message` may use (the message's window aside).
    public func isEligible(_ date: CivilDate, for message: Message) -> Bool {
        usableWeekdays(for: message).contains(date.weekday) && !closed.contains(date)
    }
}

extension Plan {
    /// What `station` owes for `message` per SPEC §1 "Quota": one entry per period P meeting the message's window W
    /// with a positive count, dated P∩W. Empty when the station is not targeted. `within` keeps only periods whose
    /// P∩W meets that range (for reports); the counts are always those of the whole P∩W.
    public func obligations(for message: Message, at station: Station,
                            within range: DateRange? = nil) -> [Obligation] {
        guard message.targets.contains(where: { $0.matches(station) }) else { return [] }
        let weekdays = station.usableWeekdays(for: message)
        let closed = station.closed
        return QuotaArithmetic.obligations(
            message: message.id, station: station.id, quota: message.quota, window: message.window,
            within: range) { n in
                let d = CivilDate(dayNumber: n)
                return weekdays.contains(d.weekday) && (closed.isEmpty || !closed.contains(d))
            }
    }
}
