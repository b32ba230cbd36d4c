import Foundation
import LoaAudio
import LoaPlayout
import LoaSystem
import LoaTestSupport

/// Relays (issue 19): the CPU of an hour of MP3 relay beside sox decoding the same stream, the relay's memory over
/// that hour, and how soon a stream that comes back is on air. The stream is LoaTestSupport's `MP3StreamServer` (a
/// real HTTP server process on 127.0.0.1) looping a 60 s stereo 44.1 kHz 128 kbps MP3 of pink noise: fed as fast
/// as it is read for the CPU figures, in real time for the return figure. LOA_BENCH_RELAY_MINUTES shortens the hour.
enum BenchRelay {
    static func run() async throws {
        let minutes = Double(ProcessInfo.processInfo.environment["LOA_BENCH_RELAY_MINUTES"] ?? "") ?? 60
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let mp3 = dir.appendingPathComponent("loop.mp3")
        let made = try ChildProcess.run("/usr/bin/sox", ["-n", "-r", "44100", "-c", "2", "-C", "128", mp3.path,
                                                         "synth", "60", "pinknoise", "vol", "0.3"],
                                        environment: [], discardingOutput: true)
        guard made.status == 0 else { print("relay: sox could not make the MP3"); return }
        let loopBytes = try FileManager.default.attributesOfItem(atPath: mp3.path)[.size] as! Int
        let seconds = minutes * 60

        // CPU and memory: the relay's whole path but the device, pulled as fast as the stream comes.
        let (fast, port) = try serve(mp3, bytesPerSecond: 1e9)
        let url = URL(string: "http://127.0.0.1:\(port)/vov1.mp3")!
        let feed = LiveFeed(subject: url.absoluteString, lengthSeconds: seconds, fallback: nil)
        let reader = Task.detached { await RelayStreamReader(url: url, feed: feed).run() }
        var rss: [Double] = [residentMB()]
        let cpu0 = ProcessClocks.processCPUSeconds(), wall0 = ProcessClocks.monotonicSeconds()
        let aired = try LiveDrain(feed: feed).run(period: seconds / 2) { _ in rss.append(residentMB()) }
        let cpu = ProcessClocks.processCPUSeconds() - cpu0, wall = ProcessClocks.monotonicSeconds() - wall0
        rss.append(residentMB())
        feed.close(); reader.cancel()
        // sox on the same stream and as many bytes, to the same format (48 kHz stereo s16), curl fetching it.
        let bytes = Int(Double(loopBytes) * seconds / 60)
        let sox = try ChildProcess.run("/bin/sh", ["-c", "curl -s \(url.absoluteString) | head -c \(bytes) | "
                                                   + "sox -q -t mp3 - -t raw -r 48000 -c 2 -e signed -b 16 /dev/null"],
                                       environment: ["PATH=/usr/bin:/bin"])
        fast.terminate(); fast.waitUntilExit()
        print(String(format: "relay: %.0f min MP3 stream (fast-fed loopback): loa CPU %.1f s (wall %.1f s, %.0f× real "
                     + "time) vs curl|sox CPU %.1f s (wall %.1f s): %.2f× sox", aired / 60, cpu, wall, aired / wall,
                     sox.cpu, sox.wall, cpu / sox.cpu))
        print(String(format: "relay: RSS at start / middle / end: %@ MB", rss.map { String(format: "%.1f", $0) }
                        .joined(separator: " / ")))
        try returnToAir(mp3, loopBytes: loopBytes, dir: dir)
    }

    /// A real-time relay into a WAV (paced by the clock like a device) whose server is killed and restarted three
    /// times: from the server listening again to the source on air again (written to the sink; a real device adds
    /// up to 0.2 s, what the substitute runs ahead).
    static func returnToAir(_ mp3: URL, loopBytes: Int, dir: URL) throws {
        var (server, port) = try serve(mp3, bytesPerSecond: Double(loopBytes) / 60)
        let url = URL(string: "http://127.0.0.1:\(port)/vov1.mp3")!
        let outages = Locked<[RelayOutage]>([])
        let feed = LiveFeed(subject: url.absoluteString, lengthSeconds: 40, fallback: nil) { o in
            outages.withLock { $0.append(o) }
        }
        let reader = Task.detached { await RelayStreamReader(url: url, feed: feed).run() }
        let player = Player(recordingTo: dir.appendingPathComponent("aired.wav"), cache: nil)
        let t0 = MonotonicInstant.now().adding(seconds: 2)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { player.play([PlayItem(live: feed)], startingAt: t0); done.signal() }
        // Down 6 s each time: longer than what the relay holds buffered, so each is an outage on air.
        var back: [Double] = []
        for k in 0..<3 {
            sleep(until: t0.adding(seconds: 4 + Double(k) * 12))
            server.terminate(); server.waitUntilExit()
            sleep(until: t0.adding(seconds: 10 + Double(k) * 12))
            (server, _) = try serve(mp3, bytesPerSecond: Double(loopBytes) / 60, port: port)
            back.append(MonotonicInstant.now().seconds(since: t0))
        }
        done.wait()
        feed.close(); reader.cancel()
        server.terminate(); server.waitUntilExit()
        // Each outage ends after the latest restart before its end (the sample clock of a paced device is t0's).
        let delays = outages.current.compactMap { o -> Double? in
            let end = o.offset + o.seconds
            return back.last { $0 <= end }.map { end - $0 }
        }
        print("relay: from the stream back to its sound on air (3 outages of 6 s, real-time stream): "
              + delays.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
              + String(format: "; outages logged %d (%@ s)", outages.current.count,
                       outages.current.map { String(format: "%.1f", $0.seconds) }.joined(separator: ", ")))
    }

    static func sleep(until t: MonotonicInstant) {
        let left = t.seconds(since: .now())
        if left > 0 { usleep(UInt32(left * 1e6)) }
    }

    static func serve(_ mp3: URL, bytesPerSecond: Double, port: Int = 0) throws -> (Process, Int) {
        try MP3StreamServer.start(mp3, bytesPerSecond: bytesPerSecond, port: port)
    }

    static func residentMB() -> Double {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
