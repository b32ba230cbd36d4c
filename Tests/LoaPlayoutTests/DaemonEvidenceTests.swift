import Foundation
import LoaCore
import LoaLog
import LoaPlayout
import LoaTestSupport
import Testing

/// What the daemon writes as evidence (SPEC §6): rehearsal rows and signed checkpoints.
@Suite struct DaemonEvidenceTests {
    @Test func aRehearsalMarksEveryRowAndTheDaemonSignsCheckpointsWhileAiringAndAtStop() throws {
        let support = try StationDaemonTests()
        // Paced: about a second of real time for the day, so the 0.1 s checkpoint timer fires while items air.
        let sink = FakeSink(durations: Fixture.durations, pace: 0.003)
        var c = support.configuration(support.plan(), log: "rehearsal.sqlite", from: "2026-06-02", to: "2026-06-02",
                                      sink: sink)
        c.checkpointInterval = 0.1
        try StationDaemon(c).run()

        let log = try AiringLog(path: support.f.dir.appendingPathComponent("rehearsal.sqlite").path, readOnly: true)
        let rows = try log.events()
        #expect(!rows.isEmpty && rows.allSatisfy(\.rehearsal))
        #expect(try log.verify().isOK)

        let keyFile = support.f.dir.appendingPathComponent("station.key")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let key = try StationKey.loadOrCreate(at: keyFile)
        let checkpoints = try log.checkpoints()
        #expect(checkpoints.count >= 2, "timed checkpoints while airing, and one at stop")
        #expect(checkpoints.contains { $0.seq < rows.last!.seq }, "one signed mid-day, not only at stop")
        #expect(checkpoints.last?.seq == rows.last?.seq && checkpoints.last?.hash == rows.last?.hash)
        #expect(checkpoints.allSatisfy { $0.isSigned(by: key.publicKey) && $0.station == "ba-dinh" })
        #expect(try log.check(checkpoints: checkpoints, key: key.publicKey).isEmpty)
    }

    @Test func theKeyLivesInTheConfiguredStateFolderAndARealClockRunIsNotARehearsal() throws {
        let support = try StationDaemonTests()
        let sink = FakeSink(durations: Fixture.durations)
        var c = support.configuration(support.plan(), log: "real.sqlite", from: "2026-06-02", to: "2026-06-02",
                                      sink: sink)
        // A simulated clock of the test's own (not `--clock simulated`): the rows are not marked as a rehearsal.
        let start = try #require(Timestamp.parse("2026-06-02T05:59:00.000+07:00"))
        c.clock = .custom(SimulatedClock(start: start))
        c.engine.until = start.addingTimeInterval(3600)
        let state = TemporaryFolders.make("loa-state")
        c.stateFolder = state
        try StationDaemon(c).run()
        let log = try AiringLog(path: support.f.dir.appendingPathComponent("real.sqlite").path, readOnly: true)
        #expect(try log.events().contains { !$0.rehearsal })
        #expect(try log.events().allSatisfy { !$0.rehearsal })
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("station.key").path))
        #expect(!FileManager.default.fileExists(atPath: support.f.dir.appendingPathComponent("station.key").path))
        let key = try StationKey.loadOrCreate(at: state.appendingPathComponent("station.key"))
        #expect(try log.checkpoints().last.map { $0.isSigned(by: key.publicKey) } == true)
    }
}
