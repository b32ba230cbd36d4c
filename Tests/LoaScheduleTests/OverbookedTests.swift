import LoaCore
import Foundation
import LoaTestSupport
import Testing
import LoaPlan
@testable import LoaSchedule

@Suite struct OverbookedTests {
    func codes(_ r: ScheduleResult) -> [String: Set<String>] {
        r.shortfalls.reduce(into: [:]) { $0[$1.message, default: []].insert($1.code) }
    }

    @Test func higherPrioritiesAreServedFirst() throws {
        let st = Fx.station("a", slots: [Fx.slot("morning", Weekday.allCases, "06:00", 5)])
        let plan = Fx.plan([st], [
            Fx.message("n1", 1, per: .day, seconds: 100),
            Fx.message("e", 1, per: .day, priority: .emergency, seconds: 120),
            Fx.message("n2", 3, per: .week, seconds: 50.5),
            Fx.message("p", 1, per: .day, priority: .priority, seconds: 120),
        ], from: "2026-06-01", to: "2026-06-28")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        let t = run.result.tally
        #expect(t[2] == PriorityTally(owed: 28, scheduled: 28))
        #expect(t[1] == PriorityTally(owed: 28, scheduled: 28))
        // 60 s are left each day: n2 (50.5 s) takes 3 of them a week; n1 (100 s) never fits.
        #expect(t[0] == PriorityTally(owed: 28 + 12, scheduled: 12))
        #expect(codes(run.result) == ["n1": ["slots_full_higher_priority"]])
        let first = run.result.occurrences[0]
        #expect(first.items.map(\.message) == ["e", "p"] || first.items.map(\.message) == ["e", "p", "n2"])
        let withN2 = run.result.occurrences.first { $0.items.count == 3 }!
        #expect(withN2.items.map(\.message) == ["e", "p", "n2"])
        #expect(withN2.items.map(\.offset) == [0, 120, 240])
        let reason = run.result.shortfalls[0].reason
        #expect(reason.contains("higher-priority"))
        #expect(run.result.shortfalls[0].reasonVi.contains("ưu tiên cao hơn"))
    }

    @Test func samePriorityShortfallsFallOnTheLaterEndingMessage() throws {
        let st = Fx.station("a", slots: [Fx.slot("morning", Weekday.allCases, "06:00", 5)])
        let plan = Fx.plan([st], [
            Fx.message("b-late", 1, per: .day, to: "2026-06-28", seconds: 200),
            Fx.message("a-early", 1, per: .day, to: "2026-06-20", seconds: 200),
        ], from: "2026-06-01", to: "2026-06-28")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        #expect(codes(run.result) == ["b-late": ["slots_full"]])
        #expect(run.result.shortfalls.count == 20)
        #expect(run.result.shortfalls.allSatisfy { $0.required == 1 && $0.scheduled == 0 })
    }

    @Test func maxPerDayTooLow() throws {
        let st = Fx.station("a", slots: [Fx.slot("morning", Weekday.allCases, "06:00", 15),
                                         Fx.slot("noon", Weekday.allCases, "11:00", 15),
                                         Fx.slot("evening", Weekday.allCases, "17:00", 15)])
        let plan = Fx.plan([st], [Fx.message("m", 10, per: .week, seconds: 60)], from: "2026-06-01", to: "2026-06-14")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        #expect(run.result.shortfalls.map(\.scheduled) == [7, 7])
        #expect(codes(run.result) == ["m": ["max_per_day"]])
        #expect(run.result.shortfalls[0].reason.contains("max_per_day 1 is too low: at most 7 airings"))
    }

    @Test func windowShorterThanThePeriod() throws {
        let st = Fx.station("a")  // two slots a day, every day
        let m = Fx.message("m", 61, per: .month, from: "2026-06-25", to: "2026-06-30", maxPerDay: 2, seconds: 60)
        let plan = Fx.plan([st], [m], from: "2026-06-01", to: "2026-06-30")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        // ceil(61 × 6 / 30) = 13 owed, but 6 days × 2 slots = 12.
        #expect(run.result.shortfalls.map { [$0.required, $0.scheduled] } == [[13, 12]])
        #expect(codes(run.result) == ["m": ["window_shorter_than_period"]])
        #expect(run.result.shortfalls[0].reason.contains("6 of 30 broadcast days"))
    }

    @Test func noUsableSlotWhenTheMessageNeverFits() throws {
        // 240 s slots with a 50 s intro leave 190 s: a 200 s message never fits; a 100 s one restricted to a
        // slot name the station lacks owes nothing at all.
        let st = Fx.station("a", slots: Fx.twoSlots(minutes: 4), intro: 50)
        let plan = Fx.plan([st], [
            Fx.message("long", 2, per: .week, seconds: 200),
            Fx.message("nowhere", 2, per: .week, slots: ["noon"], seconds: 100),
            Fx.message("ok", 2, per: .week, seconds: 100),
        ], from: "2026-06-01", to: "2026-06-14")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        #expect(codes(run.result) == ["long": ["no_usable_slot"]])
        #expect(run.result.shortfalls[0].reason.contains("leaves 190 s"))
        #expect(run.result.tally[0] == PriorityTally(owed: 8, scheduled: 4))
    }

    @Test func tooFewSlots() throws {
        let st = Fx.station("a", slots: [Fx.slot("morning", Fx.weekdays, "06:00", 15)])
        let plan = Fx.plan([st], [Fx.message("m", 3, per: .day, maxPerDay: 3, seconds: 60)],
                           from: "2026-06-01", to: "2026-06-02")
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        #expect(codes(run.result) == ["m": ["too_few_slots"]])
    }

    /// A plan far beyond its slots: restricted slot names, mixed lengths, every priority.
    static func heavy(seed: UInt64, stations: Int = 6, uniform: Bool = false) -> Plan {
        var g = SplitMix(state: seed)
        let sts = (0..<stations).map { i in
            Fx.station("s\(i)", slots: Fx.twoSlots(i % 2 == 0 ? Fx.weekdays : Weekday.allCases, minutes: 10),
                       closed: ["2026-06-10"], intro: i % 3 == 0 ? 7.5 : nil)
        }
        var msgs: [Message] = []
        for i in 0..<24 {
            let per: QuotaPeriod = [.week, .week, .month, .day, .window][i % 5]
            let count = per == .day ? 1 : per == .week ? g.int(2...6) : g.int(6...20)
            let start = Fx.d("2026-06-01").adding(days: g.int(0...20))
            msgs.append(Fx.message("m\(i)", count, per: per, from: start.description,
                                   to: start.adding(days: g.int(7...40)).description,
                                   priority: i % 8 == 0 ? .emergency : i % 4 == 1 ? .priority : .normal,
                                   slots: i % 3 == 0 ? [i % 2 == 0 ? "morning" : "evening"] : nil,
                                   maxPerDay: g.int(1...2), seconds: uniform ? 90 : Double(g.int(30...200))))
        }
        return Fx.plan(sts, msgs, from: "2026-06-01", to: "2026-07-31")
    }

    @Test(arguments: [(UInt64(1), false), (2, false), (3, false), (4, true), (5, true)])
    func overbookedPlansComeCloseToTheFlowBound(seed: UInt64, uniform: Bool) throws {
        let plan = Self.heavy(seed: seed, uniform: uniform)
        let run = try scheduleAndCheck(plan)
        #expect(run.problems == [])
        let bound = FlowBound.compute(plan)
        let t = run.result.tally
        let cumulative = [t[2].scheduled, t[2].scheduled + t[1].scheduled, t[0].scheduled + t[1].scheduled + t[2].scheduled]
        let owed = t[0].owed + t[1].owed + t[2].owed
        print("flow bound seed \(seed) uniform \(uniform): owed \(owed), scheduled \(cumulative) of bound "
              + "\(bound.cumulative) (\(String(format: "%.2f", 100 * Double(cumulative[2]) / Double(bound.cumulative[2])))%)")
        #expect(!run.result.shortfalls.isEmpty)
        for k in 0..<3 { #expect(cumulative[k] <= bound.cumulative[k]) }
        // Emergencies are few and come first: all that can air do.
        #expect(cumulative[0] == bound.cumulative[0])
        // With equal lengths the bound is exact packing, so the scheduler must come within 1 %; with mixed lengths
        // the bound relaxes seconds into counts and the gap measured is 2–7 % (see the issue note).
        #expect(Double(cumulative[2]) >= (uniform ? 0.99 : 0.92) * Double(bound.cumulative[2]))
    }
}
