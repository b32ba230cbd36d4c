import Foundation
import LoaAudio
import LoaCore
import LoaLog
import LoaPlan
import LoaPlayout
import LoaStationWeb

/// `loa-bench page`: the operator's page and API under load, beside the airing they must not disturb. On the
/// JACK-paced device (re-runs itself under with-paced-alsa like `daemon`), one daemon airs a slot every 2 s and takes
/// an emergency in every other one, twice: quiet, then while a second process (python3, keep-alive HTTP on 127.0.0.1)
/// asks `GET /api/v1/status` 200 times a second and holds the event stream open. Prints status latency, the page's
/// first load (bytes, time), and start error / cut p99 quiet and loaded side by side.
enum BenchPage {
    static func run() async throws {
        if try BenchDaemon.reRunPaced("page") { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-page-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try BenchDaemon.makeTone(dir, "item.wav", seconds: 1.0)
        let bulletin = try BenchDaemon.makeTone(dir, "bulletin.wav", seconds: 0.3, hz: 880)
        // LOA_BENCH_REALTIME=0 measures the same at normal priority (what `loa run --no-realtime` does), for comparison.
        let realtime = ProcessInfo.processInfo.environment["LOA_BENCH_REALTIME"] == "0" ? RealtimeRequest.off : RealtimeRequest()
        let quiet = try phase(dir, "quiet", bulletin: bulletin, load: false, realtime: realtime)
        let loaded = try phase(dir, "loaded", bulletin: bulletin, load: true, realtime: realtime)
        // Two decimals: the start error is read from CLOCK_MONOTONIC and the device's frame count (1/48000 s).
        let f = { (v: Double) in String(format: "%.2f", v) }, pct = BenchDaemon.pct
        print("page playout thread: \(loaded.scheduling)")
        print("page airing quiet vs loaded: start error p50 \(f(pct(quiet.starts, 0.5))) ms vs \(f(pct(loaded.starts, 0.5))) ms, "
              + "p99 \(f(pct(quiet.starts, 0.99))) ms vs \(f(pct(loaded.starts, 0.99))) ms "
              + "(\(quiet.starts.count)/\(loaded.starts.count) slots), emergency cut p99 \(f(pct(quiet.cuts, 0.99))) ms vs "
              + "\(f(pct(loaded.cuts, 0.99))) ms (\(quiet.cuts.count)/\(loaded.cuts.count) cuts; targets: start p99 ≤ 10 ms, cut ≤ 100 ms)")
        print("page worst start: quiet \(quiet.worst), loaded \(loaded.worst); slots started over 1 ms late: quiet "
              + "\(quiet.starts.filter { $0 > 1 }.count) of \(quiet.starts.count), loaded \(loaded.starts.filter { $0 > 1 }.count) of "
              + "\(loaded.starts.count)")
        for line in loaded.load { print("page " + line) }
    }

    struct Outcome { var starts: [Double]; var cuts: [Double]; var load: [String]; var scheduling: String; var worst: String }

    static func phase(_ dir: URL, _ name: String, bulletin: URL, load: Bool, realtime: RealtimeRequest) throws -> Outcome {
        let item = dir.appendingPathComponent("item.wav")
        let t0 = Date().addingTimeInterval(3)
        // LOA_BENCH_SLOTS slots a phase (default 16): with 16 the p99 is the worst slot; more make the tail a figure.
        let count = max(4, Int(ProcessInfo.processInfo.environment["LOA_BENCH_SLOTS"] ?? "") ?? 16)
        let slots = (0..<count).map {
            BenchDaemon.slot("\(name)\($0)", at: t0.addingTimeInterval(Double($0) * 2), audio: item, seconds: 1.0)
        }
        let probe = BenchDaemon.Probe(Player(device: "default"))
        var c = StationConfiguration(station: "bench", log: .file(dir.appendingPathComponent("\(name).sqlite").path)) {
            BenchDaemon.plan(dir)
        }
        c.schedule = .slots(slots)
        c.sink = .custom(probe)
        c.engine.report = { _ in }
        c.engine.problem = { _ in }
        c.engine.lower = Date().addingTimeInterval(-1)
        c.engine.realtime = realtime
        let password = "bench-password-\(getpid())"
        let passwd = OperatorAccess.passwordFile(state: dir, station: "bench")
        try OperatorAccess.setPassword(password, file: passwd, cost: 4)
        let server = Locked<StationWebServer?>(nil)
        c.control = { daemon in
            let s = try StationWebServer(daemon: daemon, options: .init(
                socketPath: dir.appendingPathComponent("\(name).sock").path, http: ("127.0.0.1", 0),
                spool: dir.appendingPathComponent("spool"),
                access: OperatorAccess(passwordFile: passwd, freeAttempts: 1000, report: { _ in })))
            server.withLock { $0 = s }
            return s
        }
        let daemon = try StationDaemon(c)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { _ = try? daemon.run(); done.signal() }
        var loader: (Process, Pipe)?
        if load, let port = server.current?.httpPort {
            loader = try startLoad(port: port, password: password, seconds: Double(count) * 2 + 3)
        }
        for i in stride(from: 1, to: count, by: 2) {
            Thread.sleep(until: t0.addingTimeInterval(Double(i) * 2 + 0.4))
            let replied = DispatchSemaphore(value: 0)
            daemon.engine.emergency(EmergencyRequest(audio: bulletin)) { _ in replied.signal() }
            _ = replied.wait(timeout: .now() + 5)
        }
        Thread.sleep(until: t0.addingTimeInterval(Double(count) * 2 + 0.5))
        let scheduling = daemon.status().scheduling?.en ?? "?"
        var lines: [String] = []
        if let (p, out) = loader {
            p.waitUntilExit()
            lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").map(String.init)
        }
        daemon.stop(); done.wait()
        let inOrder = probe.starts.current.compactMap { s -> Double? in
            guard let d = s.deadline, let f = s.first else { return nil }
            return abs(f.seconds(since: d)) * 1000
        }
        // Which slot was worst tells a cold first start (device and JACK client opened) from one disturbed later.
        let worst = inOrder.indices.max { inOrder[$0] < inOrder[$1] }.map { "slot \($0 + 1) of \(inOrder.count)" } ?? "-"
        return Outcome(starts: inOrder.sorted(), cuts: daemon.engine.stats.cutLatencies.sorted(), load: lines,
                       scheduling: scheduling, worst: worst)
    }

    /// The second process: signs in, holds `/api/v1/events` open, asks for the status 200 times a second on
    /// keep-alive connections, then loads the page 50 times on fresh connections.
    static func startLoad(port: Int, password: String, seconds: Double) throws -> (Process, Pipe) {
        let script = #"""
import http.client, json, socket, sys, threading, time
port, password, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("POST", "/api/v1/login", json.dumps({"password": password}), {"Content-Type": "application/json"})
r = c.getresponse(); r.read(); cookie = r.getheader("Set-Cookie").split(";")[0]
def stream():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n\r\n" % cookie).encode())
    s.settimeout(seconds + 5)
    try:
        while s.recv(65536): pass
    except Exception: pass
threading.Thread(target=stream, daemon=True).start()
lat, errors, lock = [], [0], threading.Lock()
def worker(offset, rate, end):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    t = time.monotonic() + offset
    while t < end:
        time.sleep(max(0, t - time.monotonic()))
        a = time.perf_counter()
        try:
            conn.request("GET", "/api/v1/status", headers={"Cookie": cookie}); r = conn.getresponse(); r.read()
            ok = r.status == 200
        except Exception:
            ok = False; conn = http.client.HTTPConnection("127.0.0.1", port)
        with lock:
            lat.append((time.perf_counter() - a) * 1000)
            if not ok: errors[0] += 1
        t += 1.0 / rate
end = time.monotonic() + seconds
threads = [threading.Thread(target=worker, args=(i / 200.0, 50, end)) for i in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
lat.sort(); pick = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print("status: %d requests at 200/s over %.0f s with the event stream open, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d (target p99 <= 5 ms)"
      % (len(lat), seconds, pick(0.5), pick(0.99), lat[-1], errors[0]))
loads, size = [], 0
for _ in range(50):
    a = time.perf_counter(); conn = http.client.HTTPConnection("127.0.0.1", port); conn.request("GET", "/")
    r = conn.getresponse(); body = r.read(); loads.append((time.perf_counter() - a) * 1000); size = len(body); conn.close()
loads.sort()
print("first load of /: %d bytes (one file: HTML, CSS and script inline), p50 %.2f ms, p99 %.2f ms over 50 fresh connections (target <= 100 KB, <= 100 ms)"
      % (size, loads[25], loads[49]))
"""#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, String(port), password, String(seconds)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        return (p, out)
    }
}
