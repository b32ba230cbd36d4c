import Foundation
import LoaCore
import LoaLog
import LoaPlan
import LoaPlayout
import LoaTestSupport
import Testing

/// One log, one writer; a log readable wherever it is copied (issue 14).
@Suite struct OneWriterTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    func configuration(log: String) -> StationConfiguration {
        let plan = f.plan
        var c = StationConfiguration(station: "ba-dinh", log: .file(f.dir.appendingPathComponent(log).path)) { plan }
        c.clock = .simulated(from: CivilDate("2026-06-01")!, to: CivilDate("2026-06-01")!)
        c.sink = .custom(FakeSink(durations: Fixture.durations))
        c.engine.report = { _ in }
        c.engine.problem = { _ in }
        return c
    }

    @Test func aSecondDaemonOnTheSameLogRefusesToStartAndNamesTheFirst() throws {
        let first = try StationDaemon(configuration(log: "one.sqlite"))
        let error = #expect(throws: DaemonError.self) { try StationDaemon(configuration(log: "one.sqlite")) }
        #expect(error?.localized.en.contains("another daemon (pid \(getpid())) is writing this log") == true,
                "\(error?.localized.en ?? "")")
        try first.run()
        // Once the first is gone the log is free again.
        _ = consume first
        #expect(throws: Never.self) { try StationDaemon(configuration(log: "one.sqlite")) }
    }

    @Test func aLockFileDeletedOrReplacedUnderTheWriterIsTakenAgain() throws {
        let log = f.dir.appendingPathComponent("lock.sqlite").path
        let lock = try LogWriterLock(log: log)
        #expect(try lock.reclaimIfLost() == false)
        #expect(throws: LogError.self) { try LogWriterLock(log: log) }
        try FileManager.default.removeItem(atPath: lock.path)
        #expect(try lock.reclaimIfLost() == true)
        #expect(throws: LogError.self) { try LogWriterLock(log: log) }
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "\(getpid())\n")
        // Replaced by another file (not locked by anyone): taken again too.
        try FileManager.default.removeItem(atPath: lock.path)
        try Data("999\n".utf8).write(to: URL(fileURLWithPath: lock.path))
        #expect(try lock.reclaimIfLost() == true)
        #expect(throws: LogError.self) { try LogWriterLock(log: log) }
        // Deleted, a second writer can start in the gap: the first then says so instead of writing on unawares.
        try FileManager.default.removeItem(atPath: lock.path)
        let second = try LogWriterLock(log: log)
        let error = #expect(throws: LogError.self) { try lock.reclaimIfLost() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("another daemon (pid \(getpid())) is writing this log"),
                "\(String(describing: error))")
        _ = second
    }

    @Test func theLogIsNotForEveryUserOfTheBox() throws {
        let path = f.dir.appendingPathComponent("mode.sqlite").path
        _ = try AiringLog(path: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o007 == 0, "mode \(String(mode.intValue, radix: 8))")
    }

    /// An official verifies a copy from a USB stick: a folder they cannot write (here: root's, read by `nobody`),
    /// copied from a box whose log still had its rows in the -wal (copied after a crash, or while running).
    @Test func aLogInAFolderTheReaderCannotWriteVerifiesWithItsWal() throws {
        let box = TemporaryFolders.make("loa-box")
        let live = box.appendingPathComponent("live.sqlite").path
        let log = try AiringLog(path: live)
        for i in 0..<3 {
            try log.append(AiringEvent(at: "2026-06-01T06:00:0\(i).000+07:00", kind: .missed, airing: "a\(i)",
                                       station: "ba-dinh", plan: "p", detail: "test"))
        }
        let stick = TemporaryFolders.make("loa-readonly")
        #expect(chmod(stick.path, 0o755) == 0)
        let copy = stick.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: live, toPath: copy)
        try FileManager.default.copyItem(atPath: live + "-wal", toPath: copy + "-wal")
        #expect(chmod(copy, 0o644) == 0 && chmod(copy + "-wal", 0o644) == 0)
        let r = try LoaBinary.run(["log", "verify", copy], in: stick,
                                  through: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Hash chain verifies: 3 rows"), "\(r.out) \(r.err)")
        _ = log
    }
}
