import Foundation
import LoaAudio
import LoaSystem

/// Audio: decode + resample + loudness speed per format, and the cost of playing a long FLAC to the null device
/// beside sox and aplay on the same file. Re-runs itself as a child (LOA_BENCH_AUDIO_CHILD) for per-process CPU and
/// peak memory, and under /work/shared/alsa/with-paced-alsa for real-time start and stop figures.
func benchAudio() throws {
    if let child = ProcessInfo.processInfo.environment["LOA_BENCH_AUDIO_CHILD"] {
        try AudioBench.child(child)
        exit(0)
    }
    try AudioBench().run()
}

struct AudioBench {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-audio-\(UUID().uuidString)")
    /// LOA_BENCH_AUDIO_MINUTES shortens the run for a smoke test; the figures in the README use 10.
    /// LOA_BENCH_AUDIO_RUNS (default 3) repeats each speed pass; LOA_BENCH_AUDIO_PARTS=speed stops after the
    /// per-format speed figures (for profiling).
    let minutes = Double(ProcessInfo.processInfo.environment["LOA_BENCH_AUDIO_MINUTES"] ?? "") ?? 10

    func run() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let seconds = minutes * 60
        print(String(format: "audio: making %.0f min sources (sox, then libsndfile encoders)…", minutes))
        let src441 = try sox("src441.wav", rate: 44_100, seconds: seconds)
        let src48 = try sox("src48.wav", rate: 48_000, seconds: seconds)
        let sources: [(String, URL)] = [
            ("WAV 44.1k", src441),
            ("FLAC 44.1k", try encode(src441, "src441.flac", .flac16)),
            ("MP3 44.1k", try encode(src441, "src441.mp3", .mp3)),
            ("Opus 48k", try encode(src48, "src48.opus", .opus)),
        ]
        // CPU time on this shared machine varies by ±30 % with the neighbours' load (hyperthread siblings, caches),
        // so every pass runs `runs` times, interleaved, and both the best and the median are printed.
        let runs = max(1, Int(ProcessInfo.processInfo.environment["LOA_BENCH_AUDIO_RUNS"] ?? "") ?? 3)
        print("audio: CPU seconds of one thread, best / median of \(runs) interleaved runs")
        for (index, (name, url)) in sources.enumerated() {
            var decode: [Double] = [], loud: [Double] = [], conv: [Double] = [], first: [Double] = []
            var frames = 0
            for run in 0 ..< runs {
                decode.append(try measure { try decodeOnly(url) }.cpu)
                loud.append(try measure { _ = try LoudnessAnalyzer.measure(url) }.cpu)
                conv.append(try measure { frames = try AudioPipeline.convert(url) }.cpu)
                // What the Player does the first time it airs this content: a cache miss (hash, then probe and
                // loudness in one decode), then the conversion. Later airings find the loudness cached.
                let fresh = MediaInfoCache(directory: dir.appendingPathComponent("first-\(index)-\(run)"))
                first.append(try measure { _ = try fresh.analysis(of: url) }.cpu)
            }
            let audio = Double(frames) / 48_000
            func best(_ x: [Double]) -> Double { x.min()! }
            func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
            func times(_ f: ([Double]) -> Double, _ parts: [Double]...) -> String {
                String(format: "%.0f×", audio / parts.map(f).reduce(0, +))
            }
            print(String(format: "audio: %-10@ %.0f s: loudness pass (decode + R128 integrated + true peak) %.2f / %.2f s, "
                         + "playout pass (decode + resample→48k + gain + s16) %.2f / %.2f s: %@ / %@ real time on one core",
                         name as NSString, audio, best(loud), median(loud), best(conv), median(conv),
                         times(best, loud, conv), times(median, loud, conv)))
            print(String(format: "audio: %-10@ decode only (libsndfile → float, the floor) %.2f / %.2f s = %@ / %@; "
                         + "first airing (hash + probe + loudness in one decode %.2f / %.2f s, then playout pass) %@ / %@; "
                         + "later airings (loudness cached: playout pass only) %@ / %@",
                         name as NSString, best(decode), median(decode), times(best, decode), times(median, decode),
                         best(first), median(first), times(best, first, conv), times(median, first, conv),
                         times(best, conv), times(median, conv)))
        }

        if ProcessInfo.processInfo.environment["LOA_BENCH_AUDIO_PARTS"] == "speed" { return }

        // Playing to the null device: whole processes, so CPU and peak RSS are theirs alone.
        let flac = try encode(src48, "play48.flac", .flac16)
        let longSrc = try sox("src48-20.wav", rate: 48_000, seconds: seconds * 2)
        let flac20 = try encode(longSrc, "play48-20.flac", .flac16)
        try? FileManager.default.removeItem(at: longSrc)
        let me = Bundle.main.executableURL!.path
        let cache = dir.appendingPathComponent("cache").path
        let env = ["LOA_CACHE_DIR=\(cache)"]
        let cold = try spawn(me, ["audio"], env: env + ["LOA_BENCH_AUDIO_CHILD=play:\(flac.path)"], quiet: true)
        let warm = try spawn(me, ["audio"], env: env + ["LOA_BENCH_AUDIO_CHILD=play:\(flac.path)"], quiet: true)
        _ = try spawn(me, ["audio"], env: env + ["LOA_BENCH_AUDIO_CHILD=play:\(flac20.path)"], quiet: true)
        let warm20 = try spawn(me, ["audio"], env: env + ["LOA_BENCH_AUDIO_CHILD=play:\(flac20.path)"], quiet: true)
        let soxPlay = try spawn("/usr/bin/sox", ["-q", flac.path, "-t", "alsa", "null"], env: [])
        let aplay = try spawn("/usr/bin/aplay", ["-q", "-D", "null", src48.path], env: [])
        func line(_ who: String, _ r: Usage) -> String {
            String(format: "audio: play %@: CPU %.2f s (user %.2f + sys %.2f), wall %.2f s, peak RSS %@",
                   who, r.cpu, r.user, r.sys, r.wall,
                   r.maxRSSMB > 0 ? String(format: "%.1f MB", r.maxRSSMB) : "n/a (ended before sampled)")
        }
        let m = Int(minutes)
        print(line("loa, \(m) min FLAC 48k stereo → null, cold cache (measures loudness first)", cold))
        print(line("loa, \(m) min FLAC, warm cache", warm))
        print(line("loa, \(2 * m) min FLAC, warm cache", warm20))
        print(line("sox, same \(m) min FLAC → alsa null", soxPlay))
        print(line("aplay, same audio as \(m) min WAV → null", aplay))
        print(String(format: "audio: loa/sox CPU ratio %.2f (warm), %.2f (cold); loa/aplay %.2f; "
                     + "peak RSS %d vs %d min: %.1f vs %.1f MB", warm.cpu / soxPlay.cpu, cold.cpu / soxPlay.cpu, warm.cpu / aplay.cpu, m, 2 * m,
                     warm.maxRSSMB, warm20.maxRSSMB))

        let paced = ["/work/shared/alsa/with-paced-alsa",
                     FileManager.default.currentDirectoryPath + "/../shared/alsa/with-paced-alsa"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        if let paced {
            _ = try spawn(paced, [me, "audio"], env: ["LOA_BENCH_AUDIO_CHILD=paced"])
        } else {
            print("audio: with-paced-alsa not found; real-time start/stop figures skipped")
        }
    }

    // MARK: children

    static func child(_ spec: String) throws {
        if spec.hasPrefix("play:") {
            let url = URL(fileURLWithPath: String(spec.dropFirst(5)))
            let cache = MediaInfoCache()
            let player = Player(device: "null", cache: cache)
            let r = player.play([PlayItem(url: url)])
            player.close()
            cache.save()
            if r[0].outcome != .finished { print("audio: child play failed: \(r[0])") }
        } else if spec == "paced" {
            try paced()
        }
    }

    /// On ALSA's default device routed through JACK's dummy backend (true real-time pacing).
    static func paced() throws {
        let bench = AudioBench()
        try FileManager.default.createDirectory(at: bench.dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: bench.dir) }
        let short = try bench.sox("short.wav", rate: 48_000, seconds: 2)
        let long = try bench.sox("long.wav", rate: 48_000, seconds: 30)
        let player = Player(device: "default", cache: nil)
        var late: [Double] = []
        for _ in 0 ..< 5 {
            let deadline = MonotonicInstant.now().adding(seconds: 1.5)
            let r = player.play([PlayItem(url: short, gainDB: 0)], startingAt: deadline)
            if let first = r[0].firstSampleAt { late.append(first.seconds(since: deadline) * 1000) }
        }
        print(String(format: "audio: paced (JACK dummy): first sample vs deadline over %d starts: %@ ms",
                     late.count, late.map { String(format: "%+.2f", $0) }.joined(separator: ", ")))
        var stopMs: [Double] = []
        var drift: [Double] = []
        for _ in 0 ..< 3 {
            let stopAt = Atomic()
            let r = player.play([PlayItem(url: long, gainDB: 0), PlayItem(url: short, gainDB: 0)]) { e in
                if case .willStart(0, _) = e {
                    DispatchQueue.global().async {
                        usleep(2_500_000)
                        stopAt.set(MonotonicInstant.now())
                        player.stop()
                    }
                }
            }
            let returned = MonotonicInstant.now()
            if let s = stopAt.value {
                stopMs.append(returned.seconds(since: s) * 1000)
                if let first = r[0].firstSampleAt { drift.append((s.seconds(since: first) - r[0].playedSeconds) * 1000) }
            }
        }
        // Underrun: the observer blocks the playing thread 1.5 s (the buffer holds 1 s) as the second item starts.
        let u0 = MonotonicInstant.now()
        let under = player.play([PlayItem(url: short, gainDB: 0), PlayItem(url: short, gainDB: 0)]) { e in
            if case .willStart(1, _) = e { usleep(1_500_000) }
        }
        let took = MonotonicInstant.now().seconds(since: u0)
        print(String(format: "audio: paced: forced underrun: outcomes %@, played %.3f s, took %.2f s wall",
                     under.map { "\($0.outcome)" }.joined(separator: "/"),
                     under.reduce(0) { $0 + $1.playedSeconds }, took))
        player.close()
        print(String(format: "audio: paced: stop() to play() returning: %@ ms; heard-by-wall-clock minus reported played: %@ ms",
                     stopMs.map { String(format: "%.1f", $0) }.joined(separator: ", "),
                     drift.map { String(format: "%+.1f", $0) }.joined(separator: ", ")))
    }

    final class Atomic: @unchecked Sendable {
        private let lock = NSLock()
        private var v: MonotonicInstant?
        func set(_ x: MonotonicInstant) { lock.lock(); v = x; lock.unlock() }
        var value: MonotonicInstant? { lock.lock(); defer { lock.unlock() }; return v }
    }

    // MARK: helpers

    func sox(_ name: String, rate: Int, seconds: Double) throws -> URL {
        let url = dir.appendingPathComponent(name)
        // Pink noise with a slow swell: broadband like speech and music, so every codec has real work.
        _ = try spawn("/usr/bin/sox", ["-n", "-r", "\(rate)", "-c", "2", "-b", "16", url.path, "synth",
                                       "\(seconds)", "pinknoise", "tremolo", "0.3", "60", "vol", "0.5"], env: [])
        return url
    }

    func encode(_ source: URL, _ name: String, _ encoding: SoundFileWriter.Encoding) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try transcode(source, to: url, encoding)
        return url
    }

    func decodeOnly(_ url: URL) throws {
        let file = try SoundFile(readingFrom: url)
        var buffer: [Float] = []
        while try file.read(into: &buffer, frameCount: 65_536) > 0 {}
    }

    func measure(_ body: () throws -> Void) throws -> (cpu: Double, wall: Double) {
        let c0 = cpuNow(), w0 = MonotonicInstant.now()
        try body()
        return (cpuNow() - c0, MonotonicInstant.now().seconds(since: w0))
    }

    func cpuNow() -> Double { ProcessClocks.processCPUSeconds() }

    struct Usage { var user, sys, wall, maxRSSMB: Double; var cpu: Double { user + sys } }

    /// Runs a program to completion and returns its own CPU time and peak RSS (`ChildProcess.run`).
    @discardableResult
    func spawn(_ path: String, _ args: [String], env extra: [String], quiet: Bool = false) throws -> Usage {
        let env = ProcessInfo.processInfo.environment.filter { k, _ in !k.hasPrefix("LOA_BENCH_AUDIO_CHILD") }
            .map { "\($0.key)=\($0.value)" } + extra
        let child = try ChildProcess.run(path, args, environment: env, discardingOutput: quiet)
        if child.status != 0 { print("audio: \(path) \(args.joined(separator: " ")) exited with status \(child.status)") }
        return Usage(user: child.user, sys: child.sys, wall: child.wall, maxRSSMB: child.maxRSSMB)
    }
}

/// Re-encodes `source` with libsndfile's own encoder (the benches' FLAC, MP3 and Opus files).
func transcode(_ source: URL, to url: URL, _ encoding: SoundFileWriter.Encoding) throws {
    let input = try SoundFile(readingFrom: source)
    let writer = try SoundFileWriter(writingTo: url, encoding: encoding, sampleRate: input.sampleRate,
                                     channels: input.channels)
    var buffer: [Float] = []
    while true {
        let got = try input.read(into: &buffer, frameCount: 16_384)
        if got == 0 { break }
        try buffer.withUnsafeBufferPointer { (p) throws(AudioError) in
            try writer.write(UnsafeBufferPointer(rebasing: p[0 ..< got * input.channels]))
        }
    }
    writer.close()
}
