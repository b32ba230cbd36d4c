import Foundation
import LoaCommands
import LoaCore
import LoaPlan
import LoaPlayout
import LoaSchedule
import Testing

/// `loa schedule --from/--to`: what the chosen days hold is said apart from what the whole quota periods owe.
@Suite struct ChosenDaysSummaryTests {
    @Test func aWeekSaysItsOwnAiringsAndTheWholePeriodsApart() throws {
        let plan = try #require(loadCheckedPlan(path: ScheduleCommandTests.samplePlan).validPlan)
        let week = DateRange(from: CivilDate("2026-06-08")!, to: CivilDate("2026-06-14")!)
        let result = Scheduler.schedule(plan, range: week)
        let inWeek = result.occurrences.flatMap(\.items).filter { $0.kind == .message }
        let normal = inWeek.filter { ($0.priority ?? .normal) == .normal }.count
        let tally = result.tally
        // The whole periods owe more than the week can hold: that is why they must not be printed as one figure.
        #expect(tally.reduce(0) { $0 + $1.scheduled } > inWeek.count)
        let lines = ScheduleCommand.summary(plan: plan, result: result, out: "out", playlists: false)
            .split(separator: "\n").map(String.init)
        let days = try #require(lines.first { $0.contains("2026-06-08…2026-06-14") })
        #expect(days.contains(": \(inWeek.count) ") && days.contains(" \(normal)"), "\(days)")
        let periods = try #require(lines.first { $0.contains("/\(tally[Priority.normal.rawValue].owed)") })
        #expect(periods != days && !periods.contains("\(inWeek.count) "))
        // The whole plan period: one line of scheduled / owed, as before.
        let whole = ScheduleCommand.summary(plan: plan, result: Scheduler.schedule(plan), out: "out", playlists: false)
        #expect(!whole.contains("…"))
    }
}
