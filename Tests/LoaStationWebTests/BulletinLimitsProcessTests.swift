import Foundation
import LoaLog
import LoaTestSupport
import Testing

/// Bulletin limits (`loa run --max-bulletin-mb/--max-bulletin-minutes`) hold for `loa emergency`, and the spool keeps
/// only what the log names.
@Suite(.serialized) struct BulletinLimitsProcessTests {
    @Test func bulletinsOverTheLimitsAreRefusedInWordsAndTheSpoolKeepsOnlyWhatTheLogNames() throws {
        let station = try StationProcess(extra: ["--max-bulletin-mb", "2", "--max-bulletin-minutes", "1"],
                                         prefix: "loa-limits") { dir in
            // Left from before: a bulletin no row names and an upload a crash cut short.
            let spool = dir.appendingPathComponent("emergency")
            try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
            try Data("orphan".utf8).write(to: spool.appendingPathComponent(String(repeating: "ab", count: 32) + ".wav"))
            try Data("half".utf8).write(to: spool.appendingPathComponent(".incoming-1234"))
        }
        let spool = station.dir.appendingPathComponent("emergency")
        let left = { (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? ["?"] }
        #expect(left().isEmpty, "\(left())")
        let big = try SoxTone.write(station.dir.appendingPathComponent("big.wav"), seconds: 12)        // 2.3 MB
        let long = try SoxTone.write(station.dir.appendingPathComponent("long.wav"), seconds: 70, rate: 8000,
                                     channels: 1)                                                     // 1.1 MB, 70 s
        let send = { (file: URL) in
            try station.loa(["emergency", "--audio", file.path, "--station", "xa-thu", "--socket", station.socket])
        }
        let tooBig = try send(big)
        #expect(tooBig.status == 1 && tooBig.err.contains("413") && tooBig.err.contains("too large (at most 2 MB)"),
                "\(tooBig)")
        let tooLong = try send(long)
        #expect(tooLong.status == 1 && tooLong.err.contains("The bulletin lasts 1 min 10 s, at most 1 min"), "\(tooLong)")
        #expect(left().isEmpty, "\(left())")
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let good = try send(repo.appendingPathComponent("audio/storm-alert.wav"))
        #expect(good.status == 0, "\(good)")
        #expect(station.waitFor { station.events.count == 2 })
        let stop = station.terminate()
        #expect(stop.status == 0, "\(stop.stderr)")
        let named = Set(try AiringLog(path: station.logPath).events().compactMap(\.audio))
        #expect(Set(left().map { spool.appendingPathComponent($0).path }) == named)
    }
}
