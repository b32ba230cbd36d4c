import Foundation
import LoaTestSupport
import Testing

extension DaemonProcessTests {
    /// A schedule file is held to the scheduler's own rules: overlapping slots, an item twice in one slot, no slot of
    /// this station, or no slot at all are refused at `file:line` before anything airs (exit 1, no log).
    @Test func scheduleFilesBreakingTheSchedulersRulesAreRefusedAtTheirLine() throws {
        let schedule = try writeSchedule(days: ["2026-06-01"])
        let good = try String(contentsOf: schedule, encoding: .utf8)
        let lines = good.split(separator: "\n").map(String.init)
        let overlapping = lines[0].replacingOccurrences(of: "\"slot\":\"morning\"", with: "\"slot\":\"extra\"")
            .replacingOccurrences(of: "T06:00:00", with: "T06:05:00")
        let twice = lines[1].replacingOccurrences(of: "\"message\":\"dengue\"", with: "\"message\":\"fire-safety\"")
            .replacingOccurrences(of: "audio/dengue.ogg", with: "audio/fire-safety.ogg")
        let elsewhere = good.replacingOccurrences(of: "\"station\":\"xa-thu\"", with: "\"station\":\"xa-khac\"")
        let cases: [(String, String)] = [
            (lines.joined(separator: "\n") + "\n" + overlapping,
             "schedule.jsonl:3: error: slot extra (2026-06-01T06:05:00.000+07:00) overlaps slot morning "
                + "(2026-06-01T06:00:00.000+07:00) of line 1"),
            ([lines[0], twice].joined(separator: "\n"),
             "schedule.jsonl:2: error: message fire-safety appears twice in slot evening"),
            (elsewhere, "schedule.jsonl:1: error: the schedule holds no slot of station xa-thu (only: xa-khac)"),
            ("\n  \n", "schedule.jsonl: error: the schedule holds no slot"),
        ]
        for (i, (text, message)) in cases.enumerated() {
            try Data(text.utf8).write(to: schedule)
            let log = "refused-\(i).sqlite"
            let r = try run(simArgs(log, from: "2026-06-01", to: "2026-06-01", schedule: schedule))
            #expect(r.status == 1, "\(message): \(r.err)")
            #expect(r.err.contains(schedule.path.replacingOccurrences(of: "schedule.jsonl", with: "") + message),
                    "\(r.err)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(log).path))
        }
    }
}
