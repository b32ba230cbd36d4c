import Foundation
import LoaCore
import LoaLog
import LoaTestSupport
import Testing

/// `loa log verify` on copies of a log taken while its writer runs: it says when the `-wal` beside the file was read
/// with it, and when it was not (then the rows living there are not in the check).
@Suite struct WalBesideTests {
    @Test func verifySaysWhetherTheWalBesideTheLogWasFoldedIn() throws {
        let dir = TemporaryFolders.make("loa-wal")
        let live = dir.appendingPathComponent("live.sqlite").path
        let log = try AiringLog(path: live)   // open for the whole test: its rows stay in live.sqlite-wal
        for i in 0..<4 {
            try log.append(AiringEvent(at: "2026-06-01T06:00:0\(i).000+07:00", kind: .missed, airing: "x@\(i)",
                                       station: "xa-thu", plan: "p"))
            if i == 0 { try log.checkpoint() }   // row 1 in the log file, rows 2–4 in its -wal
        }
        let fm = FileManager.default
        func copy(_ name: String) throws -> String {
            let folder = dir.appendingPathComponent(name)
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let to = folder.appendingPathComponent("log.sqlite").path
            try fm.copyItem(atPath: live, toPath: to)
            try fm.copyItem(atPath: live + "-wal", toPath: to + "-wal")
            return to
        }
        let both = try copy("both")
        let read = try LoaBinary.run(["log", "verify", both], in: dir)
        #expect(read.status == 0 && read.out.contains("Hash chain verifies: 4 rows"), "\(read)")
        #expect(read.out.contains("log.sqlite-wal beside it (") && read.out.contains("was read too"), "\(read)")

        // The same pair with the -wal's header damaged (a copy cut short, a bad card): SQLite skips the whole file.
        let ignored = try copy("ignored")
        let handle = try #require(FileHandle(forUpdatingAtPath: ignored + "-wal"))
        try handle.seek(toOffset: 24)
        try handle.write(contentsOf: Data([0xFF]))
        try handle.close()
        let unread = try LoaBinary.run(["log", "verify", ignored], in: dir)
        #expect(unread.err.contains("log.sqlite-wal beside it (") && unread.err.contains("was NOT folded in"), "\(unread)")
        #expect(unread.out.contains("Hash chain verifies: 1 rows"), "\(unread)")
        _ = log
    }
}
