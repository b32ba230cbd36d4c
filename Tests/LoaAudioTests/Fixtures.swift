import Foundation
import LoaTestSupport
import Testing
@testable import LoaAudio

/// Test audio made with sox in a fresh temp folder, and helpers to read captures back.
struct Audio {
    let dir: URL

    init() throws {
        dir = TemporaryFolders.make("loa-audio")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func url(_ name: String) -> URL { dir.appendingPathComponent(name) }

    /// `sox -n [-r rate -c ch -b 16] NAME synth …effects`
    @discardableResult
    func sox(_ name: String, rate: Int = 48_000, channels: Int = 2, _ synth: [String]) throws -> URL {
        let out = url(name)
        var args = ["-n", "-r", "\(rate)", "-c", "\(channels)"]
        if name.hasSuffix(".wav") || name.hasSuffix(".flac") { args += ["-b", "16"] }
        try run("/usr/bin/sox", args + [out.path] + synth)
        return out
    }

    func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(args.joined(separator: " "))")
    }

    /// ALSA's file plugin over the null device: what is played lands in `name` as a WAV.
    func captureDevice(_ name: String) -> (device: String, file: URL) {
        let f = url(name)
        return ("file:'\(f.path)',wav", f)
    }
}

/// All samples of a file, interleaved, as libsndfile decodes them (exact for 16-bit PCM).
func samples(of url: URL) throws -> (frames: [Float], channels: Int, rate: Int) {
    let file = try SoundFile(readingFrom: url)
    var all: [Float] = []
    var buffer: [Float] = []
    while true {
        let got = try file.read(into: &buffer, frameCount: 65_536)
        if got == 0 { break }
        all.append(contentsOf: buffer[0 ..< got * file.channels])
    }
    return (all, file.channels, file.sampleRate)
}

/// Frames a WAV capture holds, from its size (the file plugin may leave the header's length unset).
func capturedFrames(_ url: URL, channels: Int = 2) throws -> Int {
    let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
    return (size - 44) / (2 * channels)
}

/// Collects a player's events from its thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [PlayEvent] = []
    func add(_ e: PlayEvent) { lock.lock(); list.append(e); lock.unlock() }
    var events: [PlayEvent] { lock.lock(); defer { lock.unlock() }; return list }
}
