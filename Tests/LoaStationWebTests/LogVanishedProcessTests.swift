import Foundation
import LoaCore
import LoaLog
import LoaStationWeb
import LoaTestSupport
import Testing

/// The log's files deleted under a running `loa run`: it notices within seconds, says so on the journal and in its
/// status, writes the whole log back at its path from its open copy with the break recorded, and goes on there.
@Suite(.serialized) struct LogVanishedProcessTests {
    @Test func deletingTheLogUnderTheDaemonLosesNothingAndIsSaid() throws {
        let station = try StationProcess(prefix: "loa-vanish")
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let bulletin = repo.appendingPathComponent("audio/storm-alert.wav").path
        func air(_ title: String) throws {
            let r = try station.loa(["emergency", "--audio", bulletin, "--title", title, "--station", "xa-thu",
                                     "--socket", station.socket])
            #expect(r.status == 0, "\(r)")
        }
        try air("before")
        #expect(station.waitFor { station.events.count == 2 })
        let before = station.events
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm", ".lock"] { try? fm.removeItem(atPath: station.logPath + suffix) }
        #expect(!fm.fileExists(atPath: station.logPath))
        // Written back within the watch interval (2 s), the break in the status.
        func logProblem() -> StationStatus.Problem? {
            guard let answer = try? ControlClient.send("GET", "/api/v1/status", station: "xa-thu", explicit: station.socket),
                  let status = try? JSONDecoder().decode(StationStatus.self, from: answer.body) else { return nil }
            return status.problems.first { $0.kind == "log" }
        }
        #expect(station.waitFor(6) { logProblem() != nil })
        #expect(fm.fileExists(atPath: station.logPath))
        let problem = try #require(logProblem())
        #expect(problem.en.contains("was deleted or moved away") && problem.en.contains("all 2 rows were written back"),
                "\(problem.en)")
        // Its lock is made and held again: a second daemon still cannot write this log.
        #expect(station.waitFor(4) { fm.fileExists(atPath: station.logPath + ".lock") })
        #expect((try? LogWriterLock(log: station.logPath)) == nil)
        try air("after")
        #expect(station.waitFor { station.events.count == 4 })
        let stop = station.terminate()
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(stop.stderr.contains("The airing log \(station.logPath) was deleted or moved away"), "\(stop.stderr)")
        #expect(stop.stderr.contains("the lock file \(station.logPath).lock was deleted or replaced; made and held again"),
                "\(stop.stderr)")

        let log = try AiringLog(path: station.logPath)
        let rows = try log.events()
        #expect(Array(rows.prefix(2)) == before)
        #expect(rows.map(\.kind) == [.started, .finished, .started, .finished])
        #expect(rows.map { $0.detail ?? "" } == ["before", "before", "after", "after"])
        #expect(try log.verify() == .ok(count: 4))
        let breaks = try log.breaks()
        #expect(breaks.count == 1 && breaks.first?.lastSeq == 2 && breaks.first?.lastHash == before[1].hash)
        // The stop's checkpoint is in the file at the path, and `loa log verify` names the break.
        #expect(try log.checkpoints().last?.seq == 4)
        let verify = try station.loa(["log", "verify", station.logPath])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.out.contains("deleted or moved away under the running daemon") && verify.out.contains("rows 1…2"),
                "\(verify.out)")
    }
}
