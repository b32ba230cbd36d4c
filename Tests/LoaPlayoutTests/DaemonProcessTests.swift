import LoaCore
import Foundation
import LoaCommands
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import LoaTestSupport
import Testing

/// The built `loa` binary as a real process: simulated runs into a real SQLite log, `kill -9` and restart,
/// an emergency over the socket, signals, usage errors.
@Suite(.serialized) struct DaemonProcessTests {
    let dir: URL
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    init() throws {
        dir = TemporaryFolders.make("loa-daemon")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("audio"),
                                                withIntermediateDirectories: true)
        for name in ["ident-commune.wav", "closing.wav", "fire-safety.ogg", "dengue.ogg", "storm-alert.wav"] {
            try FileManager.default.copyItem(at: repo.appendingPathComponent("audio/\(name)"),
                                             to: dir.appendingPathComponent("audio/\(name)"))
        }
        let plan = """
        plan:
          id: daemon-test
          title: "Thử trình phát"
          timezone: Asia/Ho_Chi_Minh
          period: {from: 2026-06-01, to: 2026-06-30}
        stations:
          - id: xa-thu
            name: "Xã Thử"
            slots:
              - {name: morning, days: [mon-sun], start: "06:00", length: 15m}
              - {name: evening, days: [mon-sun], start: "17:00", length: 15m}
            intro: audio/ident-commune.wav
            outro: audio/closing.wav
        messages:
          - id: fire-safety
            title: "Phòng cháy chữa cháy"
            audio: audio/fire-safety.ogg
            airings: {count: 1, per: day}
          - id: dengue
            title: "Phòng chống sốt xuất huyết"
            audio: audio/dengue.ogg
            airings: {count: 1, per: day}

        """
        try Data(plan.utf8).write(to: dir.appendingPathComponent("plan.yaml"))
    }

    static var binary: URL? { LoaBinary.url }

    /// schedule.jsonl lines for `days` (06:00 and 17:00), intro, two messages, outro back to back.
    func writeSchedule(days: [String], extra: [String] = []) throws -> URL {
        let items: [(String, String?, String, Double)] = [("intro", nil, "audio/ident-commune.wav", 6.79),
                                                         ("message", "fire-safety", "audio/fire-safety.ogg", 10.03),
                                                         ("message", "dengue", "audio/dengue.ogg", 12.69),
                                                         ("outro", nil, "audio/closing.wav", 4.73)]
        var lines: [String] = []
        for day in days {
            for (slot, time) in [("morning", "06:00"), ("evening", "17:00")] {
                var offset = 0.0
                let parts = items.map { kind, message, audio, d -> String in
                    defer { offset += d }
                    let m = message.map { "\"message\":\"\($0)\",\"priority\":\"normal\"," } ?? ""
                    return "{\"kind\":\"\(kind)\",\(m)\"audio\":\"\(audio)\",\"offset_s\":\(offset),\"duration_s\":\(d)}"
                }
                lines.append("{\"station\":\"xa-thu\",\"date\":\"\(day)\",\"slot\":\"\(slot)\",\"start\":\"\(day)T\(time):00+07:00\","
                             + "\"length_s\":900,\"used_s\":34.24,\"items\":[\(parts.joined(separator: ","))]}")
            }
        }
        let url = dir.appendingPathComponent("schedule.jsonl")
        try Data((lines + extra).joined(separator: "\n").utf8).write(to: url)
        return url
    }

    func spawn(_ args: [String]) throws -> (Process, Pipe, Pipe) { try LoaBinary.spawn(args, in: dir) }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try LoaBinary.run(args, in: dir)
    }

    func simArgs(_ log: String, from: String, to: String, schedule: URL) -> [String] {
        ["run", "plan.yaml", "--station", "xa-thu", "--clock", "simulated", "--from", from, "--to", to,
         "--device", "null", "--log", log, "--schedule", schedule.path, "--quiet"]
    }

    @Test func aSimulatedRunWritesExactlyTheScheduleIntoARealLog() throws {
        let days = ["2026-06-01", "2026-06-02", "2026-06-03"]
        let schedule = try writeSchedule(days: days)
        let r = try run(simArgs("sim.sqlite", from: days.first!, to: days.last!, schedule: schedule))
        #expect(r.status == 0, "\(r.err)")
        let log = try AiringLog(path: dir.appendingPathComponent("sim.sqlite").path)
        let events = try log.events()
        let slots = try ScheduleFile.read(schedule).map(\.occurrence)
        let expected = slots.flatMap { s in s.items.map { s.airingID(of: $0) } }
        #expect(events.count == expected.count * 2)
        #expect(events.enumerated().allSatisfy { i, e in e.airing == expected[i / 2] })
        #expect(events.enumerated().allSatisfy { i, e in e.kind == (i % 2 == 0 ? .started : .finished) })
        #expect(events.allSatisfy { $0.audioSHA256?.count == 64 && $0.plan == "daemon-test" && $0.station == "xa-thu" })
        #expect(events.first?.at == "2026-06-01T06:00:00.000+07:00")
        #expect(try log.verify().isOK)

        // The file alone, copied without its -wal and -shm companions, holds every row and verifies.
        let copy = dir.appendingPathComponent("copied.sqlite")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("sim.sqlite"), to: copy)
        let alone = try AiringLog(path: copy.path, readOnly: true)
        #expect(try alone.count() == events.count)
        #expect(try alone.verify() == .ok(count: events.count))
    }

    @Test func aSimulatedWeekOfTheSamplePlanLogsExactlyItsScheduleForTheStation() throws {
        let planPath = repo.appendingPathComponent("playlists/hanoi-2026.yaml").path
        let r = try run(["run", planPath, "--station", "ba-dinh", "--clock", "simulated", "--from", "2026-06-01",
                         "--to", "2026-06-07", "--device", "null", "--log", "week.sqlite", "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let plan = try loadValidPlan(path: planPath)
        let week = DateRange(from: CivilDate("2026-06-01")!, to: CivilDate("2026-06-07")!)
        let slots = Scheduler.schedule(plan, range: week, stations: ["ba-dinh"]).occurrences
        let expected = slots.flatMap { s in s.items.map { s.airingID(of: $0) } }
        #expect(expected.count > 20)
        let log = try AiringLog(path: dir.appendingPathComponent("week.sqlite").path)
        let events = try log.events()
        #expect(events.count == expected.count * 2)
        for (i, id) in expected.enumerated() where 2 * i + 1 < events.count {
            #expect(events[2 * i].airing == id && events[2 * i].kind == .started)
            #expect(events[2 * i + 1].airing == id && events[2 * i + 1].kind == .finished)
        }
        let messages = slots.flatMap { $0.items.compactMap(\.message) }
        #expect(events.compactMap { $0.kind == .started ? $0.message : nil } == messages)
        #expect(try log.verify().isOK)
    }

    @Test func killNineAtRandomMomentsThenRestartingLosesNoEventAndLeavesNoneOpen() throws {
        let days = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04"]
        let schedule = try writeSchedule(days: days)
        let args = simArgs("kill.sqlite", from: days.first!, to: days.last!, schedule: schedule)
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        let logPath = dir.appendingPathComponent("kill.sqlite").path
        func count() -> Int { (try? AiringLog(path: logPath, readOnly: true).count()) ?? 0 }
        for _ in 0..<6 {
            // Kill while it is airing: after 1–7 new events, plus up to 30 ms, so some kills land mid-item.
            let target = count() + Int.random(in: 1...7, using: &generator)
            let (p, _, _) = try spawn(args)
            let deadline = Date().addingTimeInterval(15)
            while p.isRunning && count() < target && Date() < deadline { usleep(2_000) }
            usleep(UInt32.random(in: 0...30_000, using: &generator))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
        }
        let r = try run(args)
        #expect(r.status == 0, "\(r.err)")
        let log = try AiringLog(path: dir.appendingPathComponent("kill.sqlite").path)
        let events = try log.events()
        #expect(try log.verify().isOK)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)))
        let byAiring = Dictionary(grouping: events, by: \.airing)
        let slots = try ScheduleFile.read(schedule).map(\.occurrence)
        for slot in slots {
            for item in slot.items {
                let id = slot.airingID(of: item)
                let kinds = (byAiring[id] ?? []).map(\.kind)
                // Exactly one airing per scheduled item: started + one ending, or a lone missed.
                #expect(kinds == [.missed] || (kinds.count == 2 && kinds[0] == .started && kinds[1].isEnding
                                               && kinds[1] != .missed), "\(id): \(kinds)")
            }
        }
        #expect(byAiring.count == slots.reduce(0) { $0 + $1.items.count })
        #expect(try log.openAirings().isEmpty)
        // A kill that landed mid-airing left it open; the next start closed it, saying why.
        #expect(events.filter { $0.kind == .interrupted }.allSatisfy { $0.detail?.contains("crash") == true })
        #expect(kills > 0 && events.contains { $0.kind == .interrupted })
    }

    @Test func anEmergencyHandedToTheRunningDaemonCutsWithin100msAndTheSlotResumes() throws {
        // One long item on the unpaced null device takes a few seconds to "play": time enough to cut it.
        let long = dir.appendingPathComponent("audio/long.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "8000", "-c", "1", "-b", "16", long.path, "synth", "600", "sine", "300", "vol", "0.2"]
        try sox.run(); sox.waitUntilExit()
        // A schedule file airs only what its plan names: this plan gives the long item a slot of its own.
        try LongItemPlan.write(from: dir.appendingPathComponent("plan.yaml"), audio: "audio/long.wav",
                               afterSlot: "      - {name: evening, days: [mon-sun], start: \"17:00\", length: 15m}")
        let start = Date().addingTimeInterval(6)
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let startText = String(Timestamp.format(start, timeZone: tz).prefix(19)) + "+07:00"
        let exact = Timestamp.parse(startText)!
        let day = String(startText.prefix(10))
        let line = "{\"station\":\"xa-thu\",\"date\":\"\(day)\",\"slot\":\"now\",\"start\":\"\(startText)\",\"length_s\":3600,"
            + "\"used_s\":604.73,\"items\":[{\"kind\":\"message\",\"message\":\"long\",\"priority\":\"normal\","
            + "\"audio\":\"audio/long.wav\",\"offset_s\":0,\"duration_s\":600},{\"kind\":\"outro\",\"audio\":\"audio/closing.wav\","
            + "\"offset_s\":600,\"duration_s\":4.73}]}"
        let schedule = dir.appendingPathComponent("now.jsonl")
        try Data(line.utf8).write(to: schedule)
        let sock = dir.appendingPathComponent("xa-thu.sock").path
        let (daemon, _, err) = try spawn(["run", "live.yaml", "--station", "xa-thu", "--device", "null", "--log",
                                          "live.sqlite", "--schedule", schedule.path, "--socket", sock])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let logPath = dir.appendingPathComponent("live.sqlite").path
        // Wait for the long item to be on air: `started` is logged before the first sample, at the instant it airs.
        var airsAt: Date?
        for _ in 0..<600 where airsAt == nil {
            usleep(20_000)
            if let log = try? AiringLog(path: logPath, readOnly: true), let events = try? log.events() {
                airsAt = events.first { $0.kind == .started }.flatMap { Timestamp.parse($0.at) }
            }
        }
        let onAir = try #require(airsAt)
        Thread.sleep(until: onAir.addingTimeInterval(0.1))
        kill(daemon.processIdentifier, SIGHUP)  // a reload must not cut it
        usleep(100_000)
        let r = try run(["emergency", "--audio", "audio/storm-alert.wav", "--station", "xa-thu", "--socket", sock])
        #expect(r.status == 0, "\(r.err)")
        let cut = r.out.split(separator: "cut in ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        #expect(cut != nil && cut! <= 100, "\(r.out)")
        // Let the emergency and the outro air, then stop.
        var done = false
        for _ in 0..<500 where !done {
            usleep(20_000)
            if let events = try? AiringLog(path: logPath, readOnly: true).events() {
                done = events.filter { $0.kind == .finished }.count >= 2
            }
        }
        done = false
        // With nothing on air, a text bulletin goes through text-to-speech and airs at once.
        let spoken = try run(["emergency", "--text", "Bão số 3 đang vào đất liền.", "--station", "xa-thu", "--socket", sock])
        #expect(spoken.status == 0, "\(spoken.err)")
        #expect(!spoken.out.contains("cut in"))
        for _ in 0..<500 where !done {
            usleep(20_000)
            if let events = try? AiringLog(path: logPath, readOnly: true).events() {
                done = events.filter { $0.kind == .finished }.count >= 4
            }
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let log = try AiringLog(path: logPath)
        let events = try log.events()
        let summary = events.map { "\($0.kind.rawValue) \($0.source == .emergency ? "emergency" : ($0.message ?? "outro"))" }
        #expect(summary == ["started long", "preempted long", "started emergency", "finished emergency",
                            "started outro", "finished outro", "started emergency", "finished emergency"])
        // Still within the slot's hour, so it is logged against that slot.
        #expect(events[6].slotStart == events[0].slotStart && events[6].detail == "Bão số 3 đang vào đất liền.")
        // Never before its second (timing itself is measured by loa-bench on a paced device).
        let startedAt = try #require(Timestamp.parse(events[0].at))
        #expect(startedAt.timeIntervalSince(exact) > -0.05, "\(events[0].at)")
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(events[2].slotStart == Timestamp.format(exact, timeZone: tz), "\(stderr)")
        #expect(stderr.contains("plan daemon-test reloaded"))
        // The bulletin travelled as bytes and airs from the daemon's own copy next to its log, same content.
        let copy = try #require(events[2].audio)
        #expect(copy.hasPrefix(dir.appendingPathComponent("emergency").path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy))
                == Data(contentsOf: dir.appendingPathComponent("audio/storm-alert.wav")))
        #expect(URL(fileURLWithPath: copy).lastPathComponent == "\(events[2].audioSHA256 ?? "").wav")
        #expect(events[2].detail == "audio/storm-alert.wav")
        #expect(try log.verify().isOK)
        #expect(!FileManager.default.fileExists(atPath: sock))
    }

    @Test func aDeviceThatWillNotOpenAndAFileDeletedBeforeItsAiringAreLoggedWithTheirReasons() throws {
        let schedule = try writeSchedule(days: ["2026-06-01"])
        var args = simArgs("nodevice.sqlite", from: "2026-06-01", to: "2026-06-01", schedule: schedule)
        args[args.firstIndex(of: "null")!] = "hw:97,0"
        let r = try run(args)
        #expect(r.status == 0, "\(r.err)")
        let events = try AiringLog(path: dir.appendingPathComponent("nodevice.sqlite").path).events()
        #expect(events.count == 8 && events.allSatisfy { $0.kind == .missed })
        #expect(events.allSatisfy { $0.detail?.contains("audio device unavailable: hw:97,0") == true })

        // A schedule file naming audio its plan does not give that item is refused at its line, before anything airs
        // (a file deleted after the daemon started fails alone: EngineTests).
        let text = try String(contentsOf: schedule, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "audio/fire-safety.ogg", with: "audio/removed.ogg").utf8).write(to: schedule)
        let r2 = try run(simArgs("gone.sqlite", from: "2026-06-01", to: "2026-06-01", schedule: schedule))
        #expect(r2.status == 1)
        #expect(r2.err.contains("schedule.jsonl:1: error: audio audio/removed.ogg is not what the plan airs for this item"),
                "\(r2.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("gone.sqlite").path))
    }

    @Test func usageAndInputErrorsAreClear() throws {
        let noFrom = try run(["run", "plan.yaml", "--station", "xa-thu", "--clock", "simulated"])
        #expect(noFrom.status == 2 && noFrom.err.contains("--clock simulated needs --from and --to"))
        let schedule = try writeSchedule(days: ["2026-06-01"])
        let noStation = try run(["run", "plan.yaml", "--station", "nowhere", "--schedule", schedule.path])
        #expect(noStation.status == 1 && noStation.err.contains("no station nowhere in plan plan.yaml"))
        let both = try run(["emergency", "--audio", "a.wav", "--text", "x", "--station", "xa-thu"])
        #expect(both.status == 2 && both.err.contains("exactly one of --audio or --text"))
        let missing = try run(["emergency", "--audio", "audio/none.wav", "--station", "xa-thu"])
        #expect(missing.status == 1 && missing.err.contains("audio/none.wav"))
        let noDaemon = try run(["emergency", "--audio", "audio/storm-alert.wav", "--station", "xa-thu"])
        #expect(noDaemon.status == 1 && noDaemon.err.contains("no daemon is running for station xa-thu"))
    }
}
