import Foundation
import LoaTestSupport
import Synchronization
import Testing
@testable import LoaAudio

/// What reaches the loudspeakers between two plays (two slots): nothing. ALSA's `jack` PCM on a JACK dummy server,
/// and `jack_rec` (jackd2's example client) recording whatever the player's JACK ports carry: a watcher connects
/// them to the recorder as soon as they appear (the dummy backend's monitor ports repeat stale buffers, so they
/// cannot be the witness). A closed stream has no ports, and the recorder hears silence.
@Suite(.serialized) struct SilenceBetweenPlaysTests {
    let a = try! Audio()

    /// Peak |sample| per 10 ms window of a recording, first channel.
    static func windowPeaks(_ url: URL) throws -> (peaks: [Float], rate: Int) {
        let file = try SoundFile(readingFrom: url)
        var all: [Float] = [], buffer: [Float] = []
        while true {
            let n = try file.read(into: &buffer, frameCount: 4800)
            if n == 0 { break }
            for f in 0..<n { all.append(buffer[f * file.channels]) }
        }
        let window = file.sampleRate / 100
        let peaks = stride(from: 0, to: all.count, by: window).map { start in
            all[start..<min(all.count, start + window)].reduce(0) { max($0, abs($1)) }
        }
        return (peaks, file.sampleRate)
    }

    /// Records what reaches the speakers for `seconds` while `body` plays (a JACK dummy server of this test's own,
    /// the players' ports connected to the recorder as they appear), into `recording`; returns once it has ended.
    static func hear(into recording: URL, seconds: Int, _ body: () throws -> Void) throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let rec = try jack.record(into: recording, seconds: seconds)
        let watching = Atomic(true)
        Thread { connectPlayerPorts(while: watching) }.start()
        defer { watching.store(false, ordering: .relaxed) }
        try body()
        rec.waitUntilExit()
    }

    /// The tones heard: runs of loud windows (peak over 0.1), windows up to 50 ms apart joined.
    static func toneRuns(_ peaks: [Float]) -> [ClosedRange<Int>] {
        var runs: [ClosedRange<Int>] = []
        for i in peaks.indices where peaks[i] > 0.1 {
            if let last = runs.last, i <= last.upperBound + 5 { runs[runs.count - 1] = last.lowerBound...i }
            else { runs.append(i...i) }
        }
        return runs
    }

    static func output(_ tool: String, _ args: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Connects every ALSA-plugin output port that appears to the recorder's inputs, until told to stop.
    static func connectPlayerPorts(while watching: borrowing Atomic<Bool>) {
        var connected = Set<String>()
        while watching.load(ordering: .relaxed) {
            let ports = output("/usr/bin/jack_lsp", []).split(separator: "\n").map(String.init)
                .filter { $0.hasSuffix(":out_000") || $0.hasSuffix(":out_001") }   // the ALSA plugin's ports
            connected.formIntersection(ports)   // a reopened stream may reuse a closed one's port names
            for port in ports where !connected.contains(port) {
                _ = output("/usr/bin/jack_connect", [port, port.hasSuffix("0") ? "jackrec:input1" : "jackrec:input2"])
                connected.insert(port)
            }
            usleep(20_000)
        }
    }

    /// A JACK server name of this test process's own (the in-process ALSA plugin and every jack tool started from
    /// here read it): other worktrees' tests on this machine use the default server, and would be recorded too.

    @Test func afterThePlayEndsTheSpeakersAreSilentUntilTheNextPlay() throws {
        let tone = try a.sox("tone.wav", ["synth", "0.6", "sine", "440", "vol", "0.5"])
        let recording = a.url("speakers.wav")
        let player = Player(device: "plug:jack", cache: nil)
        defer { player.close() }
        try Self.hear(into: recording, seconds: 4) {
            // Two "slots": a tone, 1.5 s with nothing to air, the tone again.
            let first = player.play([PlayItem(url: tone, gainDB: 0)])
            usleep(1_500_000)
            let second = player.play([PlayItem(url: tone, gainDB: 0)])
            #expect(first.map(\.outcome) == [.finished] && second.map(\.outcome) == [.finished])
        }

        let (peaks, _) = try Self.windowPeaks(recording)
        try #require(peaks.contains { $0 > 0.1 }, "the tones reached the speakers")
        // The two tones: runs of loud windows; between them, every window must be silent (below -60 dBFS).
        let runs = Self.toneRuns(peaks)
        try #require(runs.count >= 2, "two tones heard: \(runs)")
        let gap = (runs[0].upperBound + 3)..<(runs[1].lowerBound - 1)
        #expect(gap.count >= 120, "about 1.5 s between the tones: \(runs)")
        let noisy = gap.filter { peaks[$0] > 0.001 }
        let worst = gap.map { peaks[$0] }.max() ?? 0
        #expect(noisy.isEmpty, "sound between the plays in \(noisy.count) of \(gap.count) 10 ms windows, peak \(worst)")
    }
}
