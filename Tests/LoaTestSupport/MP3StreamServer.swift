import Foundation

/// A stand-in for an Icecast mount: Tests/LoaPlayoutTests/Relay/mp3server.py, a real HTTP server process on
/// 127.0.0.1 serving an MP3 looped, at `bytesPerSecond` after a first second's burst (for the relay tests and
/// `loa-bench relay`). Kill it with `terminate()`; start it again on the same port to bring the stream back.
public enum MP3StreamServer {
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LoaPlayoutTests/Relay/mp3server.py")

    /// Starts it (on `port`, or any free one) and waits until it listens; returns the process and its port. With
    /// `stallAfter`, its first listener's stream stops sending after that many seconds (the connection stays open).
    public static func start(_ mp3: URL, bytesPerSecond: Double, port: Int = 0,
                             stallAfter: Double? = nil) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [script.path, "\(port)", mp3.path, "\(bytesPerSecond)"] + (stallAfter.map { ["\($0)"] } ?? [])
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        var text = ""
        while !text.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return (p, Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }
}
