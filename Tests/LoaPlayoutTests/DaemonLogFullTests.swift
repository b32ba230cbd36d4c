import Foundation
import LoaLog
import LoaTestSupport
import Testing

extension DaemonProcessTests {
    /// The log's file may not grow past 40 KiB (`prlimit --fsize`: what a full disk does to it): the daemon airs
    /// on, says which log and why, and at stop hands every event it could not write to the journal, so log and
    /// journal together hold exactly the events of an unhindered run.
    @Test func aLogThatCannotGrowLosesNoEventTheJournalGetsTheRest() throws {
        let days = ["2026-06-01", "2026-06-02", "2026-06-03"]
        let schedule = try writeSchedule(days: days)
        let env = ["LOA_CACHE_DIR": dir.appendingPathComponent("cache").path]
        let free = try LoaBinary.run(simArgs("free.sqlite", from: days[0], to: days[2], schedule: schedule), in: dir,
                                     environment: env)
        #expect(free.status == 0, "\(free.err)")
        let reference = try AiringLog(path: dir.appendingPathComponent("free.sqlite").path).events()
        #expect(reference.count == 48)

        let r = try LoaBinary.run(simArgs("small.sqlite", from: days[0], to: days[2], schedule: schedule), in: dir,
                                  environment: env, through: ["/usr/bin/prlimit", "--fsize=40960"])
        #expect(r.status == 1)
        #expect(r.err.contains("could not write the airing log: small.sqlite: log error: "), "\(r.err)")
        #expect(r.err.contains("events aired but could not be written to small.sqlite"))
        let logged = try AiringLog(path: dir.appendingPathComponent("small.sqlite").path)
        #expect(try logged.verify().isOK)
        let rows = try logged.events()
        let dumped = r.err.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
        #expect(!rows.isEmpty && !dumped.isEmpty)
        let seen = rows.map { "\($0.at) \($0.kind.rawValue) \($0.airing)" }
            + dumped.map { "\($0["at"] ?? "") \($0["kind"] ?? "") \($0["airing"] ?? "")" }
        #expect(seen == reference.map { "\($0.at) \($0.kind.rawValue) \($0.airing)" })
        #expect(dumped.allSatisfy { ($0["audio_sha256"] as? String)?.count == 64 && $0["station"] as? String == "xa-thu" })
    }
}
