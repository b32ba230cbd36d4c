import Foundation
import LoaCore
import LoaLog
import LoaStationWeb
import LoaTestSupport
import Testing

/// A real full disk under the log: the station's folder on a 1 MiB tmpfs (mounted by the test, which needs root, as
/// CI has), then filled to the last byte. `GET /api/v1/status` says in plain words that the disk is nearly full,
/// then that the log refuses writes, while the station airs on.
@Suite(.serialized) struct DiskProblemTests {
    static func mount(size: String) throws -> URL {
        let folder = TemporaryFolders.make("loa-full-disk")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path]
        let err = Pipe()
        p.standardError = err
        try p.run(); p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestSupportError("this test mounts a small tmpfs and needs root (uid \(getuid())): "
                                   + String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        return folder
    }

    static func unmount(_ folder: URL) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = ["-l", folder.path]
        try? p.run(); p.waitUntilExit()
    }

    /// Writes zeros into `folder` until the filesystem refuses; returns the bytes written.
    static func fill(_ folder: URL) -> Int {
        let path = folder.appendingPathComponent("filler").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        let chunk = Data(count: 4096)
        var written = 0
        while (try? handle.write(contentsOf: chunk)) != nil { written += chunk.count }
        return written
    }

    func status(_ b: Browser) async throws -> StationStatus {
        try JSONDecoder().decode(StationStatus.self, from: try await b.send("GET", "/api/v1/status").body)
    }

    @Test func aFullDiskShowsAsDiskNearlyFullThenAsTheLogRefusingWrites() async throws {
        let folder = try Self.mount(size: "1m")
        defer { Self.unmount(folder) }
        // intro 0.2 s, msg-a 6 s, msg-b 4 s: msg-a's end comes once the disk is full.
        let s = try WebStation(lead: 0.3, pace: 0.2, folder: folder)
        defer { s.stop() }
        let b = Browser(s.base)
        #expect(try await b.login(WebStation.password).status == 200)
        #expect(s.waitFor(5) { (try? s.log.events().contains { $0.message == "msg-a" && $0.kind == .started }) == true })

        let roomy = try await status(b)
        let disk = try #require(roomy.problems.first { $0.kind == "disk" }, "\(roomy.problems)")
        #expect(disk.en.hasPrefix("Disk nearly full: ") && disk.en.hasSuffix(" MB left"), "\(disk.en)")
        #expect(disk.vi.hasPrefix("Ổ đĩa sắp đầy: còn "), "\(disk.vi)")
        #expect(roomy.log.ok && !roomy.problems.contains { $0.kind == "log" })

        #expect(Self.fill(folder) > 0)
        var refused: StationStatus?
        for _ in 0..<200 where refused == nil {
            let now = try await status(b)
            if now.problems.contains(where: { $0.kind == "log" }) { refused = now } else { try await Task.sleep(for: .milliseconds(50)) }
        }
        let full = try #require(refused, "the log's refusal never showed in the status")
        let log = try #require(full.problems.first { $0.kind == "log" })
        #expect(log.en.contains("The airing log refuses writes") && log.en.contains(folder.path), "\(log.en)")
        #expect(log.en.contains("full"), "the reason names the full disk: \(log.en)")
        #expect(log.vi.hasPrefix("Nhật ký phát không nhận ghi"), "\(log.vi)")
        #expect(!full.log.ok && full.log.unwritten > 0)
        #expect(full.problems.contains { $0.kind == "disk" && $0.en.contains(": 0 MB left") })
        // The page shows both, in plain Vietnamese.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/page_problems.py")
        let page = try RecordingTests.run("/usr/bin/env", ["python3", script.path, s.base, WebStation.password,
                                                           "Ổ đĩa sắp đầy: còn 0 MB", "Nhật ký phát không nhận ghi"])
        #expect(page.status == 0 && page.out.contains("ok: problems shown"), "\(page.out)\n\(page.err)")
        // The station airs on: msg-b's start joins the events waiting for the log (the status shows on air only what
        // the log holds, so it is not "on air" there until it is written).
        let first = full.log.unwritten
        #expect(s.waitFor(5) { s.daemon.status().log.unwritten > first }, "nothing more aired after the disk filled")
    }
}
