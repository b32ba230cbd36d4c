import AsyncHTTPClient
import Foundation
import LoaAlerts
import LoaCore
import LoaL10n
import NIOCore
import NIOHTTP1
import Synchronization

/// The station's ear for the fleet's alerts (SPEC §9, issue 17): holds `GET /api/v1/stations/ID/alerts` open as
/// Server-Sent Events, reconnecting with backoff (1 s doubling to 60 s, with jitter) and resuming after the last
/// `seq` it holds (`Last-Event-ID`); the hub link's every round also asks the JSON form (`?after=SEQ&wait=0`), so an
/// alert missed by a broken stream arrives at the next sync at the latest. What it holds is kept in the state folder
/// (`alerts.json`, written whole and renamed into place), so a restart hands the daemon the same alerts again and
/// the daemon's log says which of their airings already aired.
public final class AlertListener: Sendable {
    public let client: HubClient
    public let station: String
    public let file: URL
    let deliver: @Sendable ([StationAlert], _ replayed: Bool) -> Void
    let report: @Sendable (String) -> Void
    let backoff: Backoff
    private let state: Mutex<State>
    private let loop = LockedTask()

    struct State {
        var through: Int64 = 0
        var alerts: [StationAlert] = []
        var connected = false
        var connections = 0
    }

    /// Reconnection delays: `first` doubling up to `max`, each scaled by a random factor in `jitter`.
    public struct Backoff: Sendable {
        public var first: Double = 1
        public var max: Double = 60
        public var jitter: ClosedRange<Double> = 0.8...1.2
        public init(first: Double = 1, max: Double = 60, jitter: ClosedRange<Double> = 0.8...1.2) {
            self.first = first; self.max = max; self.jitter = jitter
        }
        public func delay(attempt: Int) -> Double {
            min(max, first * pow(2, Double(min(attempt, 30)))) * Double.random(in: jitter)
        }
    }

    /// The state file is `FOLDER/alerts.json`. `deliver` gets new alerts in `seq` order (`replayed` for those read
    /// back from the file at start).
    public init(client: HubClient, station: String, folder: URL, backoff: Backoff = Backoff(),
                report: @escaping @Sendable (String) -> Void = { _ in },
                deliver: @escaping @Sendable ([StationAlert], _ replayed: Bool) -> Void) {
        self.client = client; self.station = station; self.backoff = backoff
        self.file = folder.appendingPathComponent("alerts.json")
        self.report = report; self.deliver = deliver
        var initial = State()
        if let data = try? Data(contentsOf: file), let kept = try? StationAlert.decoder.decode(Kept.self, from: data) {
            initial.through = kept.through; initial.alerts = kept.alerts
        }
        state = Mutex(initial)
    }

    struct Kept: Codable { var through: Int64; var alerts: [StationAlert] }

    /// The last `seq` held.
    public var through: Int64 { state.withLock { $0.through } }
    /// Whether the event stream is open now, and how many times it was opened.
    public var connected: Bool { state.withLock { $0.connected } }
    public var connections: Int { state.withLock { $0.connections } }

    /// Hands the daemon what the state folder holds, then keeps the stream open until `stop()`.
    @discardableResult
    public func start() -> AlertListener {
        let kept = state.withLock { $0.alerts }
        if !kept.isEmpty { deliver(kept, true) }
        loop.set(Task.detached { [self] in await listen() })
        return self
    }

    public func stop() { loop.cancel() }

    private func listen() async {
        var attempt = 0
        var lastFault: String?
        while !Task.isCancelled {
            do {
                try await stream { attempt = 0 }
                lastFault = nil
            } catch {
                if Task.isCancelled { break }
                let words = (error as? SyncError)?.description ?? "\(error)"
                if words != lastFault {
                    report(tr("loa: hub: mất kết nối nhận cảnh báo, sẽ nối lại: ", "loa: hub: alert stream lost, reconnecting: ")
                           + words)
                }
                lastFault = words
            }
            state.withLock { $0.connected = false }
            if Task.isCancelled { break }
            let wait = backoff.delay(attempt: attempt)
            attempt += 1
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
    }

    /// One connection: reads events until the hub closes it or it breaks.
    private func stream(opened: () -> Void) async throws {
        let path = "/api/v1/stations/\(station)/alerts"
        let subject = "GET \(client.base)\(path)"
        var request = HTTPClientRequest(url: client.base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(client.token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let after = through
        if after > 0 { request.headers.add(name: "Last-Event-ID", value: String(after)) }
        let response: HTTPClientResponse
        do { response = try await client.http.execute(request, timeout: .seconds(30)) } catch {
            throw SyncError(.unreachable, subject: subject, Localized(
                vi: "không liên lạc được với hub (\(error))", en: "cannot reach the hub (\(error))"))
        }
        guard response.status == .ok else {
            throw SyncError(.refused, subject: subject, Localized(vi: "hub trả lời \(response.status.code)",
                                                                   en: "the hub answered \(response.status.code)"),
                            status: Int(response.status.code))
        }
        state.withLock { $0.connected = true; $0.connections += 1 }
        opened()
        var parser = ServerSentEvents()
        do {
            for try await chunk in response.body {
                for event in parser.feed(chunk.readableBytesView) where event.type == "alert" {
                    take(try decode(Data(event.data.utf8), subject))
                }
            }
        } catch let error as SyncError { throw error } catch {
            throw SyncError(.unreachable, subject: subject, Localized(
                vi: "luồng cảnh báo bị ngắt (\(error))", en: "the alert stream broke (\(error))"))
        }
    }

    /// The JSON form once, without waiting (the hub link calls it every round): new alerts, if any, are delivered.
    @discardableResult
    public func pollOnce() async -> Result<Int, SyncError> {
        let path = "/api/v1/stations/\(station)/alerts?after=\(through)&wait=0"
        do {
            let (_, body) = try await client.call(.GET, path, headers: [("Accept", "application/json")], accept: [200])
            let page: Page
            do { page = try StationAlert.decoder.decode(Page.self, from: body) } catch {
                throw SyncError(.badAnswer, subject: "GET \(path)", Localized(
                    vi: "câu trả lời của hub không đọc được (\(error))", en: "cannot read the hub's answer (\(error))"))
            }
            return .success(take(page.alerts, through: page.through))
        } catch let error as SyncError {
            return .failure(error)
        } catch {
            return .failure(SyncError(.unreachable, subject: "GET \(path)", Localized(vi: "\(error)", en: "\(error)")))
        }
    }

    struct Page: Decodable { var alerts: [StationAlert]; var through: Int64 }

    private func decode(_ data: Data, _ subject: String) throws -> StationAlert {
        do { return try StationAlert.decoder.decode(StationAlert.self, from: data) } catch {
            throw SyncError(.badAnswer, subject: subject, Localized(
                vi: "cảnh báo từ hub không đọc được (\(error))", en: "cannot read an alert from the hub (\(error))"))
        }
    }

    @discardableResult
    private func take(_ alert: StationAlert) -> Int { take([alert], through: alert.seq) }

    /// Keeps what is new (after the last seq held), writes the state file, then delivers: an alert is on disk
    /// before the daemon acts on it.
    @discardableResult
    private func take(_ alerts: [StationAlert], through: Int64) -> Int {
        let fresh = state.withLock { s -> [StationAlert] in
            let old = s.through
            let fresh = alerts.filter { $0.seq > old }.sorted { $0.seq < $1.seq }
            s.through = Swift.max(old, through, fresh.last?.seq ?? 0)
            guard !fresh.isEmpty || s.through != old else { return [] }
            s.alerts = Self.stillUseful(s.alerts + fresh, now: Date())
            save(s)
            return fresh
        }
        if !fresh.isEmpty { deliver(fresh, false) }
        return fresh.count
    }

    /// Alerts worth replaying after a restart: those not yet expired, and Cancels and Updates of them.
    static func stillUseful(_ alerts: [StationAlert], now: Date) -> [StationAlert] {
        let live = alerts.filter { $0.action == .air && ($0.expires.map { $0 > now } ?? true) }
        let liveKeys = Set(live.map(\.key))
        return alerts.filter { a in
            (a.action == .air && liveKeys.contains(a.key)) || a.stops.contains(where: liveKeys.contains)
        }.suffix(1000)
    }

    private func save(_ s: State) {
        do {
            let data = try StationAlert.encoder.encode(Kept(through: s.through, alerts: s.alerts))
            try data.write(to: file, options: .atomic)
        } catch {
            report(tr("loa: không ghi được \(file.path): \(error)", "loa: cannot write \(file.path): \(error)"))
        }
    }
}

/// A `text/event-stream` read as it arrives (the WHATWG rules Loa needs: `event`, `data` lines joined by newlines,
/// `id`, comments, events ended by a blank line; CR LF or LF).
struct ServerSentEvents {
    struct Event: Equatable { var type: String; var data: String; var id: String? }
    private var line: [UInt8] = []
    private var type = "", data: [String] = [], id: String?

    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var out: [Event] = []
        for byte in bytes {
            if byte == 10 {
                if line.last == 13 { line.removeLast() }
                if let event = take(String(decoding: line, as: UTF8.self)) { out.append(event) }
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        return out
    }

    private mutating func take(_ text: String) -> Event? {
        if text.isEmpty {
            defer { type = ""; data = []; id = nil }
            guard !data.isEmpty else { return nil }
            return Event(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: id)
        }
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            let rest = text[text.index(after: colon)...]
            value = rest.hasPrefix(" ") ? rest.dropFirst() : rest
        } else {
            field = Substring(text); value = ""
        }
        switch field {
        case "event": type = String(value)
        case "data": data.append(String(value))
        case "id": id = String(value)
        default: break
        }
        return nil
    }
}
