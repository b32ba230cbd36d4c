import LoaCore
import Testing
import LoaPlan

@Suite struct ObligationTests {
    func owed(_ m: Message, _ s: Station, within: DateRange? = nil) -> [String: Int] {
        let plan = Fx.plan([s], [m])
        return Dictionary(uniqueKeysWithValues: plan.obligations(for: m, at: s, within: within)
            .map { ($0.period, $0.required) })
    }

    @Test func fullIsoWeeksOweTheCount() {
        // 2026-06-01 is a Monday; W23 … W26 lie wholly inside June.
        let m = Fx.message("m", 3, per: .week, from: "2026-06-01", to: "2026-06-28")
        let obs = Fx.plan([Fx.station("a")], [m]).obligations(for: m, at: Fx.station("a"))
        #expect(obs.map(\.period) == ["2026-W23", "2026-W24", "2026-W25", "2026-W26"])
        #expect(obs.allSatisfy { $0.required == 3 })
        #expect(obs[0].from == Fx.d("2026-06-01") && obs[0].to == Fx.d("2026-06-07"))
    }

    @Test func partialIsoWeeksAtWindowEdges() {
        // Window Thu 2026-06-04 … Tue 2026-06-16: W23 has 4 of 7 days, W24 all, W25 2 of 7.
        let m = Fx.message("m", 3, per: .week, from: "2026-06-04", to: "2026-06-16")
        let s = Fx.station("a")
        let obs = Fx.plan([s], [m]).obligations(for: m, at: s)
        #expect(obs.map(\.period) == ["2026-W23", "2026-W24", "2026-W25"])
        #expect(obs.map(\.required) == [2, 3, 1])  // ceil(12/7)=2, 3, ceil(6/7)=1
        #expect(obs[0].from == Fx.d("2026-06-04") && obs[0].to == Fx.d("2026-06-07"))
        #expect(obs[2].from == Fx.d("2026-06-15") && obs[2].to == Fx.d("2026-06-16"))
    }

    @Test func weekdayOnlyStationCountsOnlyItsDays() {
        // Window Sat 2026-06-06 … Tue 2026-06-09 at a Mon–Fri station: W23's part has no eligible day → nothing,
        // W24's part has Mon+Tue = 2 of 5 → ceil(3×2/5) = 2.
        let m = Fx.message("m", 3, per: .week, from: "2026-06-06", to: "2026-06-09")
        let s = Fx.station("a", slots: Fx.twoSlots(Fx.weekdays))
        #expect(owed(m, s) == ["2026-W24": 2])
        // A full week at that station still owes the whole count.
        let full = Fx.message("f", 4, per: .week, from: "2026-06-08", to: "2026-06-14")
        #expect(owed(full, s) == ["2026-W24": 4])
    }

    @Test func isoWeekLabelsAcrossTheYearBoundary() {
        // 2026-12-28 (Mon) … 2027-01-03 is 2026-W53; 2027-01-04 starts 2027-W01. 2025-12-29 … is 2026-W01.
        let m = Fx.message("m", 1, per: .week, from: "2025-12-30", to: "2027-01-05")
        let obs = Fx.plan([Fx.station("a")], [m]).obligations(for: m, at: Fx.station("a"))
        #expect(obs.first?.period == "2026-W01")
        #expect(obs.suffix(2).map(\.period) == ["2026-W53", "2027-W01"])
        #expect(obs.count == 54)
    }

    @Test func periodCountedWholePastThePlanPeriod() {
        // The plan ends 2026-12-31 (Thu) but W53 runs to 2027-01-03: e(P) = 7 still, so 2×4/7 → 2.
        let m = Fx.message("m", 2, per: .week, from: "2026-12-28", to: "2026-12-31")
        #expect(owed(m, Fx.station("a")) == ["2026-W53": 2])
        let m1 = Fx.message("m1", 1, per: .week, from: "2026-12-31", to: "2026-12-31")
        #expect(owed(m1, Fx.station("a")) == ["2026-W53": 1])  // ceil(1/7)
    }

    @Test func partialMonthsAndQuarters() {
        // 2026-06-21 … 2026-08-10: June 10 of 30 days, July whole, August 10 of 31.
        let m = Fx.message("m", 6, per: .month, from: "2026-06-21", to: "2026-08-10")
        #expect(owed(m, Fx.station("a")) == ["2026-06": 2, "2026-07": 6, "2026-08": 2])
        // ceil(6×10/30)=2, ceil(6×10/31)=ceil(1.94)=2
        let q = Fx.message("q", 10, per: .quarter, from: "2026-05-01", to: "2026-07-15")
        // Q2 = Apr–Jun 91 days, P∩W = May+Jun 61 days → ceil(610/91) = 7; Q3 92 days, 15 → ceil(150/92) = 2.
        #expect(owed(q, Fx.station("a")) == ["2026-Q2": 7, "2026-Q3": 2])
    }

    @Test func closedDaysReduceEligibleDays() {
        // June at a weekday station: 22 weekdays; close 2 of them inside the window, 1 outside.
        let s = Fx.station("a", slots: Fx.twoSlots(Fx.weekdays), closed: ["2026-06-02", "2026-06-03", "2026-06-30"])
        let m = Fx.message("m", 10, per: .month, from: "2026-06-01", to: "2026-06-15")
        // e(P) = 22 − 3 = 19; e(P∩W) = 11 weekdays (1–15 Jun) − 2 = 9 → ceil(90/19) = 5.
        #expect(owed(m, s) == ["2026-06": 5])
        // A closed week owes nothing at all.
        let c = Fx.station("c", closed: (8...14).map { "2026-06-\($0 < 10 ? "0" : "")\($0)" })
        let w = Fx.message("w", 3, per: .week, from: "2026-06-01", to: "2026-06-21")
        #expect(owed(w, c) == ["2026-W23": 3, "2026-W25": 3])
    }

    @Test func slotRestrictionsCount() {
        // The message may use only `saturday`, which the station has on Saturdays: e(week) = 1.
        let s = Fx.station("a", slots: Fx.twoSlots(Fx.weekdays) + [Fx.slot("saturday", [.sat], "08:00", 30)])
        let m = Fx.message("m", 2, per: .week, from: "2026-06-01", to: "2026-06-12", slots: ["saturday"])
        // W23 contains Sat 06 → 2; W24's part (8…12) has no Saturday → 0, left out.
        #expect(owed(m, s) == ["2026-W23": 2])
        let none = Fx.message("n", 2, per: .week, from: "2026-06-01", to: "2026-06-30", slots: ["noon"])
        #expect(owed(none, s).isEmpty)
    }

    @Test func perDayOwesEachEligibleDay() {
        let s = Fx.station("a", slots: Fx.twoSlots(Fx.weekdays), closed: ["2026-06-03"])
        let m = Fx.message("m", 2, per: .day, from: "2026-06-01", to: "2026-06-07", maxPerDay: 2)
        #expect(owed(m, s) == ["2026-06-01": 2, "2026-06-02": 2, "2026-06-04": 2, "2026-06-05": 2])
    }

    @Test func perWindowOwesTheCountOnce() {
        let s = Fx.station("a", slots: Fx.twoSlots(Fx.weekdays))
        let m = Fx.message("m", 5, per: .window, from: "2026-06-06", to: "2026-06-20")
        let obs = Fx.plan([s], [m]).obligations(for: m, at: s)
        #expect(obs == [Obligation(message: "m", station: "a", period: "window", from: Fx.d("2026-06-06"),
                                   to: Fx.d("2026-06-20"), required: 5)])
        // A window with no eligible day owes nothing.
        let weekend = Fx.message("w", 5, per: .window, from: "2026-06-06", to: "2026-06-07")
        #expect(owed(weekend, s).isEmpty)
    }

    @Test func untargetedStationOwesNothing() {
        let m = Fx.message("m", 3, per: .week, targets: [.group("rural"), .station("b")])
        #expect(owed(m, Fx.station("a")).isEmpty)
        #expect(!owed(m, Fx.station("b")).isEmpty)
        #expect(!owed(m, Fx.station("c", groups: ["rural"])).isEmpty)
    }

    @Test func withinKeepsWholePeriodCounts() {
        let m = Fx.message("m", 3, per: .week, from: "2026-06-01", to: "2026-06-28")
        let r = owed(m, Fx.station("a"), within: Fx.range("2026-06-10", "2026-06-15"))
        #expect(r == ["2026-W24": 3, "2026-W25": 3])
    }
}
