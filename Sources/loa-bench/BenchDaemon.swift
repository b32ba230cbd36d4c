import LoaCore
import Foundation
import LoaAudio
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule

/// `loa-bench daemon`: start accuracy and emergency cut on a real-time paced device, durable events per second, and
/// an idle daemon's CPU and memory. Needs the JACK-paced ALSA device: re-runs itself under
/// /work/shared/alsa/with-paced-alsa (or $LOA_PACED_ALSA) unless already inside it.
enum BenchDaemon {
    /// Re-runs this bench as a child under with-paced-alsa (or `$LOA_PACED_ALSA`), with a JACK server name of its own
    /// (other benches on the machine may run theirs at the same time). True when it did, or could not: the caller
    /// returns; false inside the paced child.
    static func reRunPaced(_ bench: String) throws -> Bool {
        let env = ProcessInfo.processInfo.environment
        guard env["LOA_BENCH_PACED"] == nil else { return false }
        let wrapper = env["LOA_PACED_ALSA"] ?? "/work/shared/alsa/with-paced-alsa"
        guard FileManager.default.isExecutableFile(atPath: wrapper) else {
            print("\(bench): \(wrapper) missing; set LOA_PACED_ALSA to with-paced-alsa"); return true
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["LOA_BENCH_PACED=1", "JACK_DEFAULT_SERVER=loa-\(bench)-bench-\(getpid())", wrapper,
                       CommandLine.arguments[0], bench]
        try p.run()
        p.waitUntilExit()
        return true
    }

    static func run() async throws {
        if try reRunPaced("daemon") { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-daemon-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tone = try makeTone(dir, "tone.wav", seconds: 0.4)
        let long = try makeTone(dir, "long.wav", seconds: 3)
        try startAccuracy(dir, tone)
        try emergencyCut(dir, long, tone)
        try newBulletins(dir)
        try durableEvents(dir)
        try idle(dir, seconds: Double(ProcessInfo.processInfo.environment["LOA_BENCH_IDLE_SECONDS"] ?? "") ?? 60)
    }

    static func makeTone(_ dir: URL, _ name: String, seconds: Double, hz: Int = 440) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", url.path, "synth", String(seconds), "sine", String(hz),
                       "vol", "0.3"]
        try p.run(); p.waitUntilExit()
        return url
    }

    static func plan(_ dir: URL) -> Plan {
        let period = DateRange(from: CivilDate("2026-01-01")!, to: CivilDate("2027-12-31")!)
        return Plan(id: "bench", title: "bench", timezone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, period: period,
                    stations: [Station(id: "bench", name: "bench", slots: [])], messages: [],
                    file: dir.appendingPathComponent("plan.yaml"))
    }

    static func slot(_ name: String, at start: Date, audio: URL, seconds: Double, length: Int = 60) -> SlotOccurrence {
        SlotOccurrence(station: "bench", date: CivilDate("2026-06-01")!, slot: name, start: start,
                       utcOffsetSeconds: 25_200, lengthSeconds: length,
                       items: [ScheduledItem(kind: .message, message: "m-\(name)", priority: .normal,
                                             media: Media(path: audio.lastPathComponent, url: audio),
                                             offset: 0, duration: seconds)])
    }

    /// Records every deadline asked for and every first sample heard.
    final class Probe: PlayoutSink, @unchecked Sendable {
        let inner: Player
        let starts = Locked<[(deadline: MonotonicInstant?, first: MonotonicInstant?)]>([])
        init(_ inner: Player) { self.inner = inner }
        func play(_ items: [PlayItem], startingAt: MonotonicInstant?, observer: @escaping @Sendable (PlayEvent) -> Void)
            -> [ItemResult] {
            let results = inner.play(items, startingAt: startingAt, observer: observer)
            starts.withLock { $0.append((startingAt, results.first?.firstSampleAt)) }
            return results
        }
        func stop() { inner.stop() }
        func contentHash(of media: Media) throws(AudioError) -> String { try inner.contentHash(of: media) }
        func prepare(_ url: URL) throws(AudioError) { try inner.prepare(url) }
    }

    static func engine(_ dir: URL, _ slots: [SlotOccurrence], sink: any PlayoutSink, log: String) throws
        -> (PlayoutEngine, DispatchSemaphore) {
        var options = EngineOptions(station: "bench")
        options.lower = Date().addingTimeInterval(-1)
        options.report = { _ in }
        options.problem = { _ in }
        let engine = PlayoutEngine(plan: plan(dir), schedule: slots, options: options, clock: SystemClock(), sink: sink,
                                   recorder: try AiringLog(path: dir.appendingPathComponent(log).path))
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { try? engine.run(); done.signal() }
        return (engine, done)
    }

    static func startAccuracy(_ dir: URL, _ tone: URL) throws {
        let t0 = Date().addingTimeInterval(2)
        let slots = (0..<20).map { slot("s\($0)", at: t0.addingTimeInterval(Double($0) * 1.5), audio: dir.appendingPathComponent("tone.wav"), seconds: 0.4) }
        let probe = Probe(Player(device: "default"))
        let (engine, done) = try engine(dir, slots, sink: probe, log: "start.sqlite")
        Thread.sleep(forTimeInterval: 2 + 20 * 1.5 + 1)
        engine.stop(); done.wait()
        let errors = probe.starts.current.compactMap { s -> Double? in
            guard let d = s.deadline, let f = s.first else { return nil }
            return abs(f.seconds(since: d)) * 1000
        }.sorted()
        print("daemon start accuracy: \(errors.count) slots on the JACK-paced device, |first sample − scheduled| "
              + "p50 \(fmt(pct(errors, 0.5))) ms, p99 \(fmt(pct(errors, 0.99))) ms, max \(fmt(errors.last ?? .nan)) ms "
              + "(target p99 ≤ 10 ms)")
    }

    static func emergencyCut(_ dir: URL, _ long: URL, _ tone: URL) throws {
        let t0 = Date().addingTimeInterval(1.5)
        let slots = (0..<20).map { slot("e\($0)", at: t0.addingTimeInterval(Double($0) * 4), audio: dir.appendingPathComponent("long.wav"), seconds: 3) }
        let (engine, done) = try engine(dir, slots, sink: Player(device: "default"), log: "cut.sqlite")
        for i in 0..<20 {
            // Half a second to 1.5 s into each 3 s item.
            let at = t0.addingTimeInterval(Double(i) * 4 + 0.5 + Double(i % 5) * 0.25)
            Thread.sleep(until: at)
            let replied = DispatchSemaphore(value: 0)
            engine.emergency(EmergencyRequest(audio: tone)) { _ in replied.signal() }
            _ = replied.wait(timeout: .now() + 5)
        }
        Thread.sleep(forTimeInterval: 1)
        engine.stop(); done.wait()
        let cuts = engine.stats.cutLatencies.sorted()
        print("daemon emergency cut: \(cuts.count) cuts on the JACK-paced device, request → item stopped "
              + "p50 \(fmt(pct(cuts, 0.5))) ms, p99 \(fmt(pct(cuts, 0.99))) ms (target ≤ 100 ms)")
    }

    /// A bulletin is new audio (recorded minutes before), so its loudness is unknown: it airs at once from its first
    /// seconds' loudness and glides to the whole file's, measured while it airs. Figures: request → the bulletin's
    /// first sample (from the log, and as the daemon's reply says it), a new 3-minute MP3 each time, and the silence
    /// on air between the cut and that sample.
    static func newBulletins(_ dir: URL) throws {
        var toAir: [Double] = [], silence: [Double] = [], measuring: [Double] = [], said: [Double] = []
        let count = Int(ProcessInfo.processInfo.environment["LOA_BENCH_BULLETINS"] ?? "") ?? 10
        for i in 0..<count {
            let bulletin = try makeBulletin(dir, "bulletin-\(i).mp3", seconds: 180, hz: 300 + 40 * i)
            let t0 = Date().addingTimeInterval(1.5)
            let log = "bulletin-\(i).sqlite"
            let (engine, done) = try engine(dir, [slot("b\(i)", at: t0, audio: dir.appendingPathComponent("long.wav"), seconds: 3)],
                                            sink: Player(device: "default"), log: log)
            Thread.sleep(until: t0.addingTimeInterval(0.8))
            let asked = Date()
            let replied = DispatchSemaphore(value: 0)
            let reply = Locked<EmergencyReply?>(nil)
            engine.emergency(EmergencyRequest(audio: bulletin)) { answer in reply.withLock { $0 = answer }; replied.signal() }
            _ = replied.wait(timeout: .now() + 30)
            if let ms = reply.current?.firstSampleMilliseconds { said.append(ms) }
            Thread.sleep(forTimeInterval: 0.3)
            engine.stop(); done.wait()
            let events = try AiringLog(path: dir.appendingPathComponent(log).path).events(LogFilter(station: "bench"))
            guard let cut = events.first(where: { $0.kind == .preempted }).flatMap({ Timestamp.parse($0.at) }),
                  let aired = events.first(where: { $0.source == .emergency && $0.kind == .started })
                      .flatMap({ Timestamp.parse($0.at) })
            else { print("daemon new bulletin \(i): no cut or no start in the log"); continue }
            toAir.append(aired.timeIntervalSince(asked) * 1000)
            silence.append(aired.timeIntervalSince(cut) * 1000)
            let m0 = Date()
            _ = try LoudnessAnalyzer.measure(bulletin)
            measuring.append(Date().timeIntervalSince(m0) * 1000)
        }
        toAir.sort(); silence.sort(); measuring.sort(); said.sort()
        print("daemon new bulletins: \(toAir.count) emergencies of 3 min MP3 never aired before, request → bulletin's "
              + "first sample (log) p50 \(fmt(pct(toAir, 0.5))) ms, p99 \(fmt(pct(toAir, 0.99))) ms, max "
              + "\(fmt(toAir.last ?? .nan)) ms (target p99 ≤ 100 ms); as replied p50 \(fmt(pct(said, 0.5))) ms, max "
              + "\(fmt(said.last ?? .nan)) ms; silence on air between cut and bulletin p50 \(fmt(pct(silence, 0.5))) ms, "
              + "max \(fmt(silence.last ?? .nan)) ms (measuring one whole file: p50 \(fmt(pct(measuring, 0.5))) ms, "
              + "no longer waited for)")
    }

    /// A tone with a slow swell, as libsndfile's MP3 (what a phone recording usually is).
    static func makeBulletin(_ dir: URL, _ name: String, seconds: Double, hz: Int) throws -> URL {
        let wav = try makeTone(dir, "\(name).wav", seconds: seconds, hz: hz)
        defer { try? FileManager.default.removeItem(at: wav) }
        let url = dir.appendingPathComponent(name)
        try transcode(wav, to: url, .mp3)
        return url
    }

    static func durableEvents(_ dir: URL) throws {
        let log = try AiringLog(path: dir.appendingPathComponent("events.sqlite").path)
        let n = 500
        let start = Date()
        for i in 0..<n {
            try log.append(AiringEvent(at: Timestamp.format(Date(), timeZone: .current), kind: i % 2 == 0 ? .started : .finished,
                                       airing: "bench/\(i / 2)", station: "bench", plan: "bench", message: "m",
                                       source: .schedule, audio: "a.wav", audioSHA256: String(repeating: "a", count: 64),
                                       plannedSeconds: 10, playedSeconds: i % 2 == 0 ? nil : 10))
        }
        let elapsed = Date().timeIntervalSince(start)
        print("daemon durable events: \(n) appends (each committed and synced) in \(fmt(elapsed * 1000)) ms = "
              + "\(Int(Double(n) / elapsed)) events/s")
    }

    static func idle(_ dir: URL, seconds: Double) throws {
        let tomorrow = Date().addingTimeInterval(86_400)
        let (engine, done) = try engine(dir, [slot("later", at: tomorrow, audio: dir.appendingPathComponent("tone.wav"), seconds: 0.4)],
                                        sink: Player(device: "default"), log: "idle.sqlite")
        Thread.sleep(forTimeInterval: 1)
        let (cpu0, rss0) = (cpuSeconds(), rssKiB())
        Thread.sleep(forTimeInterval: seconds)
        let (cpu1, rss1) = (cpuSeconds(), rssKiB())
        engine.stop(); done.wait()
        print("daemon idle: over \(Int(seconds)) s (not an hour), CPU \(fmt((cpu1 - cpu0) / seconds * 100)) % of one core, "
              + "RSS \(rss0 / 1024) → \(rss1 / 1024) MiB")
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func rssKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func pct(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
