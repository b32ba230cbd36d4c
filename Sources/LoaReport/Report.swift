import LoaCore
import Foundation
import LoaL10n
import LoaPlan

/// What happened to the airings of one message at one station (or a roll-up of several) in the report's span.
public struct Tally: Sendable, Hashable {
    /// Airings the quota asks for in the periods that end inside the span (see `ReportBuilder`).
    public var owed = 0
    /// Ended `finished`.
    public var full = 0
    public var interrupted = 0
    public var preempted = 0
    public var missed = 0
    public var failed = 0
    /// Started, with no ending event in any log (the box died and was not restarted, or the log was copied mid-airing).
    public var unclosed = 0
    /// Seconds on air: `played_s` of every ending event (`planned_s` for a `finished` without it).
    public var airtime: Double = 0
    /// Owed and aired, period by period (see `ReportBuilder`): full airings that count toward what is owed, at most
    /// `required` per due period, so `delivered ≤ owed` and met means `delivered == owed` in every period.
    public var delivered = 0
    /// Full airings beyond a due period's `required` that fill an earlier due period's shortfall (a make-up).
    public var makeups = 0
    /// Full airings beyond a due period's `required` left after make-ups: over-delivery.
    public var extra = 0
    /// Full airings dated before the report period inside due periods that began before it (they count here).
    public var earlier = 0
    /// Full airings in the report period toward periods that end after it (owed in the next report).
    public var pending = 0

    public init() {}

    /// Full airings in the report period that belong to no quota period (outside the message's window, or a
    /// message or station the plan does not pair): `full + earlier = delivered + makeups + extra + pending + unowed`.
    public var unowed: Int { full + earlier - delivered - makeups - extra - pending }

    /// Airings that put sound on the air: full, interrupted, pre-empted, unclosed.
    public var aired: Int { full + interrupted + preempted + unclosed }

    public mutating func add(_ o: Tally) {
        owed += o.owed; full += o.full; interrupted += o.interrupted; preempted += o.preempted; missed += o.missed
        failed += o.failed; unclosed += o.unclosed; airtime += o.airtime
        delivered += o.delivered; makeups += o.makeups; extra += o.extra; earlier += o.earlier; pending += o.pending
    }
}

/// One message at one station.
public struct PairRow: Sendable, Hashable {
    public var message: String
    public var station: String
    public var tally: Tally
    /// Whether every quota period due in the span got its full airings; nil when nothing was owed.
    public var met: Bool?
}

/// One message over all stations.
public struct MessageRow: Sendable, Hashable {
    public var message: String
    public var title: String
    public var topic: String?
    public var inPlan: Bool
    public var targetedStations: Int
    /// Targeted stations that owed something in the span.
    public var owingStations: Int
    /// Of those, the ones that aired all they owed.
    public var stationsMet: Int
    public var tally: Tally
    /// stationsMet / owingStations; nil when no station owed anything.
    public var coverage: Double? { owingStations == 0 ? nil : Double(stationsMet) / Double(owingStations) }
}

/// A roll-up per topic or per station. Coverage here is over (message, station) pairs that owed something.
public struct GroupRow: Sendable, Hashable {
    public var id: String
    public var title: String
    public var messages: Int
    public var messagesAired: Int
    public var pairsOwing: Int
    public var pairsMet: Int
    public var tally: Tally
    public var coverage: Double? { pairsOwing == 0 ? nil : Double(pairsMet) / Double(pairsOwing) }
    /// Stations that aired at least one plan message of the group in full (for a station: 1 or 0).
    public var stationsAired = 0
    /// Population and households of those stations, counting only stations that give `population:` or
    /// `households:`; nil when none of the group's stations gives it.
    public var peopleReached: Int?
    public var householdsReached: Int?
    /// A station's own `population:` and `households:` from the plan (nil for topics).
    public var population: Int?
    public var households: Int?
    /// Airtime by the log's `source` column (`schedule`, `emergency`, `manual`, …), every kind of airing,
    /// intro/outro and airings without a plan message included. Only for stations and totals.
    public var airtimeBySource: [String: Double] = [:]
}

/// One log given to the report and what became of it.
public struct LogSummary: Sendable, Hashable {
    public var name: String
    public var events: Int
    /// Events of this log already counted from an earlier log (the same airing in two logs counts once).
    public var duplicates: Int
    /// Events of other plans, not counted.
    public var otherPlans: Int
    public var chain: ChainCheck
}

public struct Totals: Sendable, Hashable {
    /// Distinct plan messages with at least one full airing in the span.
    public var messagesAired: Int
    public var stationsAired: Int
    public var tally: Tally
    public var pairsOwing: Int
    public var pairsMet: Int
    public var coverage: Double? { pairsOwing == 0 ? nil : Double(pairsMet) / Double(pairsOwing) }
    /// Stations in the report, and the population/households of those giving it (nil when none does).
    public var stations = 0
    public var population: Int?
    public var households: Int?
    public var peopleReached: Int?
    public var householdsReached: Int?
    public var airtimeBySource: [String: Double] = [:]
}

/// A coverage report (SPEC §4): a pure value, rendered by `CSVReport`, `JSONReport`, `HTMLReport`.
public struct Report: Sendable {
    public var planID: String
    public var planTitle: String
    public var span: DateRange
    public var logs: [LogSummary]
    public var warnings: [Localized]
    public var pairs: [PairRow]
    public var messages: [MessageRow]
    public var topics: [GroupRow]
    public var stations: [GroupRow]
    public var totals: Totals
    /// ISO weeks meeting the span, e.g. `2026-W23`, in order.
    public var weeks: [String]
    /// Airings (`Tally.aired`) per station id, one count per entry of `weeks`.
    public var heat: [(station: String, counts: [Int])]
    /// Station names from the plan, by id.
    public var stationNames: [String: String]
    /// `--station`: the stations the report is limited to (a commune's own report); nil for all.
    public var stationFilter: [String]?
    /// Who issues it (the plan's `report:` block, or `--issuer`) and the day it was made; set by the caller.
    public var issuer: ReportIssuer?
    public var made: CivilDate?
    /// Rehearsal rows (`loa run --clock simulated`) met in the logs, and whether they were counted.
    public var rehearsals = RehearsalNote(events: 0, included: false)
}

/// What the report did with rehearsal rows: they are not evidence of airing (SPEC §6), so they are left out unless
/// `--include-rehearsals`; either way the report's first line says so.
public struct RehearsalNote: Sendable, Hashable {
    public var events: Int
    public var included: Bool
    public init(events: Int, included: Bool) { self.events = events; self.included = included }

    /// The line the report opens with.
    public var line: Localized {
        if included {
            return Localized(vi: "Số liệu GỒM CẢ diễn tập: \(events) sự kiện diễn tập (--clock simulated) được tính.",
                             en: "Figures INCLUDE rehearsals: \(events) rehearsal events (--clock simulated) are counted.")
        }
        return Localized(vi: "Không tính diễn tập: bỏ qua \(events) sự kiện diễn tập (--clock simulated); "
                            + "thêm --include-rehearsals để tính.",
                         en: "Rehearsals left out: \(events) rehearsal events (--clock simulated) not counted; "
                            + "--include-rehearsals counts them.")
    }
}

extension Report: Equatable {
    public static func == (a: Report, b: Report) -> Bool {
        a.planID == b.planID && a.span == b.span && a.logs == b.logs && a.warnings == b.warnings
            && a.pairs == b.pairs && a.messages == b.messages && a.topics == b.topics && a.stations == b.stations
            && a.totals == b.totals && a.weeks == b.weeks && a.heat.map(\.station) == b.heat.map(\.station)
            && a.heat.map(\.counts) == b.heat.map(\.counts) && a.stationFilter == b.stationFilter
            && a.rehearsals == b.rehearsals
    }
}

/// The report span for `--until DATE`: from the day after the plan's last report date before DATE (or the plan's
/// start) to DATE.
public func reportSpan(until date: CivilDate, plan: Plan) -> DateRange {
    let previous = plan.reports.filter { $0 < date }.max()
    return DateRange(from: previous.map { $0.adding(days: 1) } ?? plan.period.from, to: date)
}

public func isoWeekLabel(_ date: CivilDate) -> String {
    let w = date.isoWeek
    return "\(w.year)-W\(w.week < 10 ? "0" : "")\(w.week)"
}
