import LoaCore
import Foundation
import LoaPlan
import LoaSchedule
import LoaSystem
import LoaCommands
import LoaTestSupport

/// `loa-bench schedule`: Hanoi (126 stations × Apr–Dec 2026 × 2 slots a day × 60 messages, end to end with JSONL),
/// Nation (3,321 stations × one quarter × 2 slots a day × 200 messages), and an over-booked Hanoi against the
/// flow-relaxation bound. Plans are generated in code with synthetic durations.
enum BenchSchedule {
    /// `LOA_BENCH_SCHEDULE=nation` (or `hanoi`, `overbooked`) runs one figure only, e.g. under `perf`.
    static func run() throws {
        let only = ProcessInfo.processInfo.environment["LOA_BENCH_SCHEDULE"]
        let hanoi = plan(stations: 126, messages: 60, from: "2026-04-01", to: "2026-12-31", provinces: 12,
                         seed: 2026)
        if only == nil || only == "hanoi" { try measure("hanoi", hanoi, playlists: true) }
        guard only == nil || only == "nation" else {
            if only == "overbooked" { overbooked(hanoi) }
            return
        }
        let nation = plan(stations: 3_321, messages: 200, from: "2026-07-01", to: "2026-09-30", provinces: 63,
                          seed: 84)
        try measure("nation", nation, playlists: false)
        if only == nil { overbooked(hanoi) }
    }

    static func measure(_ name: String, _ plan: Plan, playlists: Bool) throws {
        resetPeak()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-\(name)-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t0 = now(), c0 = cpu()
        let result = Scheduler.schedule(plan)
        let t1 = now()
        try ScheduleWriter.write(result, plan: plan, to: dir, playlists: false)
        let t2 = now(), c2 = cpu()
        var slots = 0, items = 0, length = 0.0, used = 0.0
        for st in result.stations {
            for o in st.occurrences {
                slots += 1; length += Double(o.lengthSeconds); used += o.usedSeconds
                items += o.items.count { $0.kind == .message }
            }
        }
        let tally = result.tally
        let owed = tally.reduce(0) { $0 + $1.owed }, met = tally.reduce(0) { $0 + $1.scheduled }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("schedule.jsonl").path)[.size]
                     as? Int) ?? 0
        print("schedule \(name): \(plan.stations.count) stations × \(plan.period.dayCount) days × "
              + "\(plan.messages.count) messages → \(slots) slots, \(items) airings, fill \(f(100 * used / length, 1))%, "
              + "owed \(owed), scheduled \(met), shortfall lines \(result.shortfalls.count)")
        print("schedule \(name): schedule \(f(t1 - t0, 3)) s + JSONL \(f(t2 - t1, 3)) s (\(bytes / 1_000_000) MB) = "
              + "\(f(t2 - t0, 3)) s wall (CPU \(f(c2 - c0, 3)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores, "
              + "load \(loadAverage())), \(Int(Double(slots) / (t2 - t0))) slots/s, peak RSS \(peakMiB()) MiB")
        if playlists {
            let t3 = now()
            try ScheduleWriter.write(result, plan: plan, to: dir, playlists: true)
            let t4 = now()
            print("schedule \(name): with M3U playlists (\(slots / 2) files) \(f(t4 - t3, 3)) s")
        }
    }

    /// The Hanoi plan with slots cut to 4 minutes: far more owed than fits.
    static func overbooked(_ hanoi: Plan) {
        overbooked(hanoi, uniform: false)
        overbooked(hanoi, uniform: true)
    }

    /// `uniform`: every message lasts 100 s and slots 3 minutes (one message a slot), where the bound is exact.
    static func overbooked(_ hanoi: Plan, uniform: Bool) {
        var plan = hanoi
        for i in plan.stations.indices {
            for k in plan.stations[i].slots.indices { plan.stations[i].slots[k].lengthSeconds = uniform ? 180 : 240 }
        }
        if uniform { for i in plan.messages.indices { plan.messages[i].media?.duration = 100 } }
        let t0 = now()
        let result = Scheduler.schedule(plan)
        let t1 = now()
        let bound = FlowBound.compute(plan)
        let t2 = now()
        let t = result.tally
        let cumulative = [t[2].scheduled, t[2].scheduled + t[1].scheduled, t[0].scheduled + t[1].scheduled + t[2].scheduled]
        let owed = t.reduce(0) { $0 + $1.owed }
        print("schedule overbooked-hanoi (\(uniform ? "3-minute slots, all messages 100 s" : "4-minute slots")): owed \(owed); scheduled emergency \(cumulative[0]) / bound "
              + "\(bound.cumulative[0]), +priority \(cumulative[1]) / \(bound.cumulative[1]), all \(cumulative[2]) / "
              + "\(bound.cumulative[2]) = \(f(100 * Double(cumulative[2]) / Double(bound.cumulative[2]), 2))% of the "
              + "bound (schedule \(f(t1 - t0, 3)) s, bound \(f(t2 - t1, 3)) s)")
    }

    // MARK: synthetic plans

    static func plan(stations n: Int, messages nm: Int, from: String, to: String, provinces: Int,
                     seed: UInt64) -> Plan {
        var g = SplitMix(state: seed)
        let period = DateRange(from: CivilDate(from)!, to: CivilDate(to)!)
        let weekdays = WeekdaySet([.mon, .tue, .wed, .thu, .fri])
        var stations: [Station] = []
        for i in 0..<n {
            let ward = i % 4 == 0
            let days = ward ? weekdays : .all
            let minutes = ward ? 15 : 30
            let morning = TimeOfDay(minutes: ward ? 360 : 330 + 15 * g.int(0...2))!
            let slots = [SlotSpec(name: "morning", days: days, start: morning, lengthSeconds: minutes * 60),
                         SlotSpec(name: "evening", days: days, start: TimeOfDay(minutes: 1020)!,
                                  lengthSeconds: minutes * 60)]
            let holiday = CivilDate(year: period.from.year, month: 9, day: 2)!
            stations.append(Station(id: String(format: "st-%04d", i), name: "Station \(i)",
                                    groups: ["p\(i % provinces)", ward ? "ward" : "commune", "r\(i % 3)"],
                                    slots: slots, intro: Media(path: "audio/ident.wav", duration: 8.2),
                                    outro: ward ? Media(path: "audio/closing.wav", duration: 5) : nil,
                                    closed: period.contains(holiday) ? [holiday] : []))
        }
        var messages: [Message] = []
        let days = period.dayCount
        for i in 0..<nm {
            let start = period.from.adding(days: g.chance(0.5) ? 0 : g.int(0...(days / 2)))
            let end = g.chance(0.5) ? period.to : min(period.to, start.adding(days: g.int(20...(days))))
            let per: QuotaPeriod = [.week, .week, .week, .month, .month, .quarter, .window, .day][g.int(0...7)]
            let count: Int
            switch per {
            case .day: count = 1
            case .week: count = g.int(1...2)
            case .month: count = g.int(2...5)
            case .quarter: count = g.int(3...8)
            case .window: count = g.int(5...15)
            }
            let target: [Target] = g.chance(0.4) ? [.all]
                : g.chance(0.5) ? [.group("r\(g.int(0...2))")]
                : [.group("p\(g.int(0...(provinces - 1)))"), .group("p\(g.int(0...(provinces - 1)))")]
            let priority: Priority = g.chance(0.03) ? .emergency : g.chance(0.15) ? .priority : .normal
            let seconds = Double(g.int(450...2400)) / 10
            let window = per == .day ? DateRange(from: start, to: min(end, start.adding(days: 6))) : DateRange(from: start, to: end)
            messages.append(Message(id: String(format: "msg-%03d", i), title: "Message \(i)",
                                    content: .audio("audio/msg-\(i).ogg"), priority: priority, window: window,
                                    quota: Quota(count: count, per: per), targets: target,
                                    slotNames: g.chance(0.2) ? [g.chance(0.5) ? "morning" : "evening"] : nil,
                                    maxPerDay: 1, media: Media(path: "audio/msg-\(i).ogg", duration: seconds)))
        }
        return Plan(id: "bench-\(n)", title: "Bench", timezone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!,
                    period: period, stations: stations, messages: messages,
                    file: URL(fileURLWithPath: "/tmp/loa-bench/plan.yaml"))
    }

    // MARK: measuring

    static func now() -> Double { ProcessClocks.monotonicSeconds() }

    /// CPU seconds of this process, all threads: the machine is shared, so wall time alone says little.
    static func cpu() -> Double { ProcessClocks.processCPUSeconds() }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }

    static func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// Resets VmHWM so each figure reports its own peak (Linux ≥ 4.0; harmless elsewhere).
    static func resetPeak() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }

    static func peakMiB() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") {
            return kb / 1024
        }
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Int(usage.ru_maxrss) / 1024
    }
}
