import LoaCore
import Foundation
import LoaPlan

/// Owed and scheduled airings for one priority (scheduled never exceeds owed per obligation).
public struct PriorityTally: Sendable, Hashable {
    public var owed = 0
    public var scheduled = 0
    public init(owed: Int = 0, scheduled: Int = 0) { self.owed = owed; self.scheduled = scheduled }
    public static func + (a: PriorityTally, b: PriorityTally) -> PriorityTally {
        PriorityTally(owed: a.owed + b.owed, scheduled: a.scheduled + b.scheduled)
    }
}

/// The schedule of one station over the requested days.
public struct StationSchedule: Sendable {
    public var station: String
    /// In start order.
    public var occurrences: [SlotOccurrence]
    public var shortfalls: [Shortfall]
    /// Indexed by `Priority.rawValue`: obligations whose P∩W meets the requested range.
    public var tally: [PriorityTally]
    public init(station: String, occurrences: [SlotOccurrence], shortfalls: [Shortfall], tally: [PriorityTally]) {
        self.station = station; self.occurrences = occurrences; self.shortfalls = shortfalls; self.tally = tally
    }
}

public struct ScheduleResult: Sendable {
    /// The days listed in the output.
    public var range: DateRange
    /// Ordered by station id.
    public var stations: [StationSchedule]

    /// Every slot occurrence, ordered by station, then start (SPEC §2).
    public var occurrences: [SlotOccurrence] { stations.flatMap(\.occurrences) }
    public var shortfalls: [Shortfall] { stations.flatMap(\.shortfalls) }
    public var tally: [PriorityTally] {
        stations.reduce(into: Array(repeating: PriorityTally(), count: 3)) { acc, s in
            for p in 0..<3 { acc[p] = acc[p] + s.tally[p] }
        }
    }
}

/// Plan → slot occurrences with their items, plus what could not be scheduled and why (SPEC §1–§2).
///
/// Each station is scheduled on its own, over every day any message targeting it may air (so asking for a few days
/// gives exactly those days of the whole-period schedule), and stations run in parallel; the output does not depend
/// on the number of threads.
public enum Scheduler {
    /// `range` defaults to the plan period; `stations` (ids) to all stations. Unknown ids are ignored.
    public static func schedule(_ plan: Plan, range: DateRange? = nil, stations ids: [String]? = nil) -> ScheduleResult {
        let out = range ?? plan.period
        var chosen = plan.stations
        if let ids { let wanted = Set(ids); chosen = chosen.filter { wanted.contains($0.id) } }
        chosen.sort { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }

        let clock = LocalClock(plan: plan, stations: chosen, output: out)
        let context = PlanContext(plan: plan)
        let box = ResultBox(count: chosen.count)
        let stationList = chosen
        // Relays air within the plan's period, like its messages.
        let relayDays = out.intersection(plan.period) ?? DateRange(from: out.from, to: out.from.adding(days: -1))
        DispatchQueue.concurrentPerform(iterations: stationList.count) { i in
            var engine = StationScheduler(context: context, station: stationList[i], output: out)
            engine.run()
            box.set(i, engine.result(clock: clock).addingRelays(of: stationList[i], range: relayDays, clock: clock))
        }
        return ScheduleResult(range: out, stations: box.values)
    }
}

/// Read-only facts about the plan shared by every station's run.
struct PlanContext: Sendable {
    let plan: Plan
    /// Message indices in the order they take places in a slot: emergency, priority, normal; earlier `to`; id.
    let slotOrder: [Int]
    /// `rank[messageIndex]` = position in `slotOrder`.
    let rank: [Int]

    init(plan: Plan) {
        self.plan = plan
        let order = plan.messages.indices.sorted { a, b in
            let x = plan.messages[a], y = plan.messages[b]
            if x.priority != y.priority { return x.priority > y.priority }
            if x.window.to != y.window.to { return x.window.to < y.window.to }
            return x.id.utf8.lexicographicallyPrecedes(y.id.utf8)
        }
        slotOrder = order
        var rank = Array(repeating: 0, count: order.count)
        for (r, m) in order.enumerated() { rank[m] = r }
        self.rank = rank
    }
}

/// Wall-clock slot starts → instants and UTC offsets, computed once for every (day, start time) in use.
struct LocalClock: Sendable {
    private var table: [Int: (utc: Int, offset: Int)] = [:]

    init(plan: Plan, stations: [Station], output: DateRange) {
        let minutes = Set(stations.flatMap { $0.slots.map(\.start.minutes) + $0.relays.map(\.timing.start.minutes) })
        guard !output.isEmpty else { return }
        let tz = plan.timezone
        for day in output.from.dayNumber...output.to.dayNumber {
            for m in minutes {
                let local = day * 86_400 + m * 60
                let guess = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
                let offset = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - guess)))
                table[day * 1440 + m] = (local - offset, offset)
            }
        }
    }

    func instant(day: Int, minutes: Int) -> (utc: Int, offset: Int) {
        table[day * 1440 + minutes] ?? (day * 86_400 + minutes * 60, 0)
    }
}

/// Collects per-station results from worker threads; each index is written once.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [StationSchedule?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: StationSchedule) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [StationSchedule] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
