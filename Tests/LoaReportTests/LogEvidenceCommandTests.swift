import Foundation
import LoaCore
import LoaLog
import Testing

/// Runs the built `loa` and returns its status, stdout and stderr (English).
func loaOutput(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: loaBinary)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["LANG"] = "en_US.UTF-8"; env["LC_ALL"] = nil; env["LC_MESSAGES"] = nil
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite struct LogEvidenceCommandTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: loaBinary)))
    func verifyWithAnAnchorNamesRowsCutOffTheEnd() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("hk.sqlite").path
        try writeHoanKiem(path)   // 4 rows
        let printed = try loaOutput(["log", "key", "--log", path])
        #expect(printed.status == 0)
        let publicKey = printed.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: publicKey)?.count == 32)
        let again = try loaOutput(["log", "key", "--state", dir.path])
        #expect(again.out.trimmingCharacters(in: .whitespacesAndNewlines) == publicKey, "the key is made once")

        let key = try StationKey.loadOrCreate(at: dir.appendingPathComponent("station.key"))
        let log = try AiringLog(path: path)
        let c = try #require(try log.signCheckpoint(station: "hoan-kiem", key: key, at: "2026-06-10T06:10:00.000+07:00"))
        try log.checkpoint()
        let anchor = dir.appendingPathComponent("anchor.jsonl")
        try JSONEncoder().encode(c).write(to: anchor)
        let good = try loaOutput(["log", "verify", path, "--anchor", anchor.path, "--key", publicKey])
        #expect(good.status == 0)
        #expect(good.out.contains("1 checkpoints, every signature verifies") && good.out.contains("agrees with the 1"))

        // Cut the last two rows and the box's own checkpoints: the chain alone still verifies...
        try GRDBTamper(path).run("DELETE FROM events WHERE seq > 2; DROP TRIGGER checkpoints_append_only_delete; "
                                 + "DELETE FROM checkpoints")
        #expect(try loaOutput(["log", "verify", path]).status == 0)
        // ...the anchor kept off the box does not.
        let cut = try loaOutput(["log", "verify", path, "--anchor", anchor.path])
        #expect(cut.status == 1)
        #expect(cut.err.contains("rows 3…4 were cut off the end of the log"))
        // A forged key is refused.
        let other = try loaOutput(["log", "verify", path, "--anchor", anchor.path,
                                   "--key", StationKey.ephemeral().publicKey])
        #expect(other.status == 1 && other.err.contains("signature does not verify"))
    }
}
