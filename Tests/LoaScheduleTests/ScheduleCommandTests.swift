import ArgumentParser
import Foundation
import LoaTestSupport
import Testing
import LoaCommands
import LoaPlayout
import LoaPlan
import LoaSchedule

@Suite struct ScheduleCommandTests {
    static let samplePlan = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("playlists/hanoi-2026.yaml").path

    func tempDir() -> URL {
        TemporaryFolders.make("loa-cmd")
    }

    @Test func samplePlanSchedulesAndPassesTheChecker() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cmd = try ScheduleCommand.parse([Self.samplePlan, "--out", dir.path, "--strict"])
        try cmd.run()  // --strict: the sample plan fits, so no shortfall may be left
        let text = try String(contentsOf: dir.appendingPathComponent("schedule.jsonl"), encoding: .utf8)
        let shorts = try String(contentsOf: dir.appendingPathComponent("shortfalls.jsonl"), encoding: .utf8)
        #expect(shorts.isEmpty)
        let loaded = loadCheckedPlan(path: Self.samplePlan)
        let plan = try #require(loaded.validPlan)
        let problems = try ScheduleChecker(plan: plan).check(scheduleText: text, shortfallText: shorts)
        #expect(problems == [])
        #expect(text.split(separator: "\n").count > 1000)
        // One playlist per station and broadcast day, pointing at files that exist.
        let station = try #require(plan.stations.first)
        let day = try #require(plan.period.days.first { !station.slots(on: $0).isEmpty })
        let m3u = try String(contentsOf: dir.appendingPathComponent("playlists/\(station.id)/\(day).m3u8"),
                             encoding: .utf8)
        #expect(m3u.hasPrefix("#EXTM3U\n"))
        // Relative to the playlist's folder, so the output can be moved.
        let folder = dir.appendingPathComponent("playlists/\(station.id)")
        for path in m3u.split(separator: "\n") where !path.hasPrefix("#") {
            #expect(!path.hasPrefix("/"))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(String(path)).path), "\(path)")
        }
    }

    @Test func narrowedRunMatchesTheWholeSchedule() throws {
        let whole = tempDir(), part = tempDir()
        defer { try? FileManager.default.removeItem(at: whole); try? FileManager.default.removeItem(at: part) }
        let a = try ScheduleCommand.parse([Self.samplePlan, "--out", whole.path, "--no-playlists"])
        try a.run()
        let plan = try #require(loadCheckedPlan(path: Self.samplePlan).validPlan)
        let ids = plan.stations.map(\.id).sorted()
        let b = try ScheduleCommand.parse([Self.samplePlan, "--out", part.path, "--from", "2026-06-01",
                                           "--to", "2026-06-07", "--station", ids[1], ids[0]])
        try b.run()
        let all = try String(contentsOf: whole.appendingPathComponent("schedule.jsonl"), encoding: .utf8)
        let some = try String(contentsOf: part.appendingPathComponent("schedule.jsonl"), encoding: .utf8)
        let expected = all.split(separator: "\n").filter { line in
            (line.contains("\"station\":\"\(ids[0])\"") || line.contains("\"station\":\"\(ids[1])\""))
                && (1...7).contains { line.contains("\"date\":\"2026-06-0\($0)\"") }
        }
        #expect(some.split(separator: "\n") == expected)
        #expect(!expected.isEmpty)
    }

    @Test func badArgumentsAreRefused() throws {
        #expect(throws: (any Error).self) { try ScheduleCommand.parse([Self.samplePlan, "--out", "/tmp/x", "--from", "2026-6-1"]) }
        #expect(throws: (any Error).self) {
            try ScheduleCommand.parse([Self.samplePlan, "--out", "/tmp/x", "--from", "2026-07-01", "--to", "2026-06-01"])
        }
        let unknown = try ScheduleCommand.parse([Self.samplePlan, "--out", tempDir().path, "--station", "atlantis"])
        #expect(throws: ExitCode(1)) { try unknown.run() }
        let missing = try ScheduleCommand.parse(["/nonexistent/plan.yaml", "--out", tempDir().path])
        #expect(throws: ExitCode(1)) { try missing.run() }
    }

    @Test func strictFailsWhenSomethingIsShort() throws {
        // A one-slot station owing a 2-a-day message: half of it cannot air.
        let folder = tempDir()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("audio"),
                                                withIntermediateDirectories: true)
        let sample = URL(fileURLWithPath: Self.samplePlan).deletingLastPathComponent()
        try FileManager.default.copyItem(at: sample.appendingPathComponent("audio/food-safety.ogg"),
                                        to: folder.appendingPathComponent("audio/food-safety.ogg"))
        let yaml = """
            plan:
              id: tiny
              title: "Tiny"
              period: {from: 2026-06-01, to: 2026-06-03}
            stations:
              - id: a
                name: "A"
                slots:
                  - {name: morning, days: [mon-sun], start: "06:00", length: 15m}
            messages:
              - id: food
                title: "Food"
                audio: audio/food-safety.ogg
                airings: {count: 2, per: day}
                max_per_day: 1
            """
        let planFile = folder.appendingPathComponent("plan.yaml")
        try yaml.write(to: planFile, atomically: false, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let lenient = try ScheduleCommand.parse([planFile.path, "--out", out.path])
        try lenient.run()
        let shorts = try String(contentsOf: out.appendingPathComponent("shortfalls.jsonl"), encoding: .utf8)
        #expect(shorts.split(separator: "\n").count == 3)
        // One slot a day: at most one airing a day whatever max_per_day says.
        #expect(shorts.contains("\"code\":\"too_few_slots\""))
        let strict = try ScheduleCommand.parse([planFile.path, "--out", out.path, "--strict"])
        #expect(throws: ExitCode(1)) { try strict.run() }
        let plan = try #require(loadCheckedPlan(path: planFile.path).validPlan)
        let text = ScheduleCommand.summary(plan: plan, result: Scheduler.schedule(plan), out: out.path,
                                           playlists: true)
        #expect(text.contains("a (−3)"))
        #expect(text.contains("(too_few_slots) 3"))   // the code in words, the code itself in brackets
    }
}
