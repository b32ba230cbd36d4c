import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoaCore
import LoaLog
import LoaPlan
import LoaPlayout
import LoaStationWeb
import LoaTestSupport

/// A real daemon in-process for the web tests: wall clock, a real SQLite log, the paced sink, and its HTTP face on a
/// Unix socket and on 127.0.0.1 (a port the kernel picks), with an operator password set.
final class WebStation: @unchecked Sendable {
    static let durations: [String: Double] = ["intro.wav": 1, "a.wav": 30, "b.wav": 20, "outro.wav": 1]
    static let password = "mat-khau-dai-ba-dinh"
    let dir: URL
    let daemon: StationDaemon
    let server: StationWebServer
    let socket: String
    let done = DispatchSemaphore(value: 0)
    let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    let tls: TLSFiles?
    var base: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(server.httpPort ?? 0)" }

    /// One slot starting `lead` s from now (intro, msg-a, msg-b, outro); 1 s of audio plays in `pace` s.
    /// With `planned`, the schedule comes from the plan (slots 06:00 and 17:00 daily) with `local.yaml` laid over
    /// it at every load, as `loa run` does.
    init(lead: Double = 0.3, pace: Double = 0.2, limits: WebLimits = WebLimits(), lifetime: TimeInterval = 3600,
         planned: Bool = false, deviceGone: Bool = false, tls: TLSFiles? = nil, folder: URL? = nil,
         running: Bool = true, configure: (inout StationConfiguration) -> Void = { _ in }) throws {
        let dir = folder ?? TemporaryFolders.make("loa-web")
        self.tls = tls
        self.dir = dir
        for name in Self.durations.keys { try Data(name.utf8).write(to: dir.appendingPathComponent(name)) }
        let file = OperatorAccess.passwordFile(state: dir, station: "ba-dinh")
        try OperatorAccess.setPassword(Self.password, file: file, cost: 4)
        var cal = Calendar(identifier: .gregorian); cal.timeZone = tz
        let start = Date().addingTimeInterval(lead)
        let c = cal.dateComponents([.year, .month, .day], from: start)
        let today = CivilDate(year: c.year!, month: c.month!, day: c.day!)!
        func media(_ n: String) -> Media {
            Media(path: n, url: dir.appendingPathComponent(n), duration: Self.durations[n])
        }
        var offset = 0.0
        let items = [(ScheduledItem.Kind.intro, nil as String?, "intro.wav"), (.message, "msg-a", "a.wav"),
                     (.message, "msg-b", "b.wav"), (.outro, nil, "outro.wav")].map { kind, message, file in
            defer { offset += Self.durations[file]! }
            return ScheduledItem(kind: kind, message: message, priority: message == nil ? nil : .normal,
                                 media: media(file), offset: offset, duration: Self.durations[file]!)
        }
        let slot = SlotOccurrence(station: "ba-dinh", date: today, slot: "morning", start: start,
                                  utcOffsetSeconds: 7 * 3600, lengthSeconds: 900, items: items)
        let window = DateRange(from: today.adding(days: -1), to: today.adding(days: 30))
        let specs = planned ? [SlotSpec(name: "morning", days: .all, start: TimeOfDay("06:00")!, lengthSeconds: 900),
                               SlotSpec(name: "evening", days: .all, start: TimeOfDay("17:00")!, lengthSeconds: 900)] : []
        let plan = Plan(id: "web-test", title: "Web", timezone: tz, period: planned ? DateRange(from: today, to: today.adding(days: 3)) : window,
                        stations: [Station(id: "ba-dinh", name: "Ba Đình", slots: specs)],
                        messages: [Message(id: "msg-a", title: "Phòng chống ngập úng", content: .audio("a.wav"),
                                           window: window, quota: Quota(count: 1, per: .day), media: media("a.wav")),
                                   Message(id: "msg-b", title: "An toàn thực phẩm", content: .audio("b.wav"),
                                           window: window, quota: Quota(count: 1, per: .day), media: media("b.wav"))],
                        file: dir.appendingPathComponent("plan.yaml"))
        let localFile = dir.appendingPathComponent("local.yaml")
        self.localFile = localFile
        var configuration = StationConfiguration(station: "ba-dinh",
                                                 log: .file(dir.appendingPathComponent("log.sqlite").path)) {
            guard planned else { return plan }
            let local = try LocalAdditions.read(localFile, station: "ba-dinh")
            let (merged, problems) = plan.applying(local, folder: dir, file: localFile.path, probe: CachedAudioProbe(),
                                                   renderer: defaultSpeechRenderer())
            guard problems.isEmpty else { throw TestSupportError(problems.map(\.en).joined(separator: "; ")) }
            return merged
        }
        var now = slot
        now.slot = "now"
        configuration.schedule = planned ? .planAnd([now]) : .slots([slot])
        configuration.clock = .system
        let sink = PacedSink(durations: Self.durations, pace: pace)
        sink.deviceGone.withLock { $0 = deviceGone }
        configuration.sink = .custom(sink)
        configuration.engine.report = { _ in }
        let problems = Locked<[String]>([])
        configuration.engine.problem = { line in problems.withLock { $0.append(line) } }
        configuration.engine.lower = Date().addingTimeInterval(-1)
        configuration.engine.lead = 0.05
        let socket = dir.appendingPathComponent("ba-dinh.sock").path
        self.socket = socket
        let spool = dir.appendingPathComponent("emergency")
        let access = OperatorAccess(passwordFile: file, lifetime: lifetime, freeAttempts: 3) { line in
            problems.withLock { $0.append(line) }
        }
        self.problems = problems
        let built = Locked<StationWebServer?>(nil)
        configuration.control = { daemon in
            var options = StationWebServer.Options(socketPath: socket, http: ("127.0.0.1", 0), spool: spool,
                                                   access: access)
            options.limits = limits
            options.localFile = localFile
            options.tls = tls
            let s = try StationWebServer(daemon: daemon, options: options)
            built.withLock { $0 = s }
            return s
        }
        configure(&configuration)
        daemon = try StationDaemon(configuration)
        server = built.current!
        built.withLock { $0 = nil }   // the daemon's configuration holds this box: no daemon → server → daemon cycle
        if running { run() }
    }

    /// Starts the daemon on its own thread (done by `init` unless `running` is false).
    func run() {
        let daemon = self.daemon, done = self.done
        Thread.detachNewThread { _ = try? daemon.run(); done.signal() }
    }

    let problems: Locked<[String]>
    let localFile: URL

    func stop() {
        daemon.stop()
        _ = done.wait(timeout: .now() + 5)
    }

    var log: AiringLog { get throws { try AiringLog(path: dir.appendingPathComponent("log.sqlite").path) } }

    /// Polls every 5 ms for up to `seconds`.
    func waitFor(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { if try condition() { return true }; usleep(5000) }
        return try condition()
    }
}

/// A browser's requests, over real TCP: keeps the session cookie and the CSRF token like the page does.
final class Browser: @unchecked Sendable {
    let base: String
    var cookie: String?
    var csrf: String?
    let session: URLSession
    init(_ base: String) {
        self.base = base
        let c = URLSessionConfiguration.ephemeral
        c.httpShouldSetCookies = false
        session = URLSession(configuration: c)
    }

    struct Reply { var status: Int; var body: Data; var headers: [String: String]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: String, _ path: String, body: Data? = nil, type: String? = nil, csrf: Bool = true,
              headers: [String: String] = [:]) async throws -> Reply {
        var r = URLRequest(url: URL(string: base + path)!)
        r.httpMethod = method
        r.httpBody = body
        if let type { r.setValue(type, forHTTPHeaderField: "Content-Type") }
        if let cookie { r.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if csrf, let token = self.csrf { r.setValue(token, forHTTPHeaderField: "X-CSRF-Token") }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await session.data(for: r)
        let http = response as! HTTPURLResponse
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h["\(k)".lowercased()] = "\(v)" }
        return Reply(status: http.statusCode, body: data, headers: h)
    }

    func json(_ method: String, _ path: String, _ object: [String: Any]) async throws -> Reply {
        try await send(method, path, body: try JSONSerialization.data(withJSONObject: object), type: "application/json")
    }

    @discardableResult
    func login(_ password: String) async throws -> Reply {
        let r = try await json("POST", "/api/v1/login", ["password": password])
        if r.status == 200, let set = r.headers["set-cookie"] {
            cookie = String(set.split(separator: ";")[0])
            csrf = r.json["csrf"] as? String
        }
        return r
    }
}
