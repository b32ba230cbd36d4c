import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let samplePlanPath = repoRoot.appendingPathComponent("playlists/hanoi-2026.yaml").path

/// The hub's two stores; the tests that matter run against both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A real hub (Hummingbird on 127.0.0.1, a free port) over a temporary data folder, with an admin and two station
/// tokens made the way `loa hub token` makes them.
struct RunningHub {
    let service: HubService
    let base: String
    let task: Task<Void, any Error>
    let admin: String
    let stationTokens: [String: String]

    static func start(_ kind: StoreKind = .sqlite, maxBody: Int = 256 << 20,
                      stations: [String] = ["ba-dinh", "hoan-kiem"]) async throws -> RunningHub {
        let data = TemporaryFolders.make("loa-hub").appendingPathComponent("data")
        let opened = try HubService.open(data: data.path, maxBody: maxBody)
        let store: any HubStore = switch kind {
        case .sqlite: opened.store
        case .postgres: try await PostgresHubStore(url: try await PostgresTestServer.shared.database())
        }
        let service = HubService(store: store, blobs: opened.blobs, key: opened.key, maxBody: maxBody)
        var tokens: [String: String] = [:]
        for station in stations { tokens[station] = try await service.issueToken(.station(station)) }
        return try await serve(service, admin: try await service.issueToken(.admin), tokens: tokens)
    }

    /// Serves `service` as it is, with tokens already made.
    static func serve(_ service: HubService, admin: String, tokens: [String: String]) async throws -> RunningHub {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await HubServer.run(service, host: "127.0.0.1", port: 0, gracefulShutdownSignals: false) { port in
                continuation.yield(port)
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestSupportError("the hub did not start") }
        return RunningHub(service: service, base: "http://127.0.0.1:\(port)", task: task, admin: admin,
                          stationTokens: tokens)
    }

    func client(_ token: String) -> HubClient { HubClient(base: base, token: token) }
    var adminClient: HubClient { client(admin) }
    func station(_ id: String) -> HubClient { client(stationTokens[id]!) }

    func stop() async { task.cancel(); _ = await task.result }

    /// A raw request, to see statuses, bodies and headers as they are.
    func raw(_ method: HTTPMethod, _ path: String, token: String?, body: Data? = nil,
             headers: [String: String] = [:]) async throws -> (Int, Data, HTTPHeaders) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 1 << 30)
        return (Int(response.status.code), Data(buffer.readBytes(length: buffer.readableBytes) ?? []), response.headers)
    }
}

/// A station's real airing log with `n` airings (started + finished each).
func stationLog(_ station: String, airings n: Int, detail: String? = nil) throws -> AiringLog {
    let path = TemporaryFolders.make("loa-hub-log").appendingPathComponent("\(station).sqlite").path
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let log = try AiringLog(path: path)
    for i in 1...n {
        let at = "2026-06-01T06:\(String(format: "%02d", i % 60)):00.000+07:00"
        try log.append(AiringEvent(at: at, kind: .started, airing: "\(station)-a\(i)", station: station, plan: "hanoi-2026",
                                   message: "flooding-2026", slotStart: "2026-06-01T06:00:00+07:00",
                                   audio: "audio/flooding.flac", audioSHA256: String(repeating: "ab", count: 32),
                                   plannedSeconds: 21.723, detail: detail))
        try log.append(AiringEvent(at: at, kind: .finished, airing: "\(station)-a\(i)", station: station,
                                   plan: "hanoi-2026", message: "flooding-2026", slotStart: "2026-06-01T06:00:00+07:00",
                                   audio: "audio/flooding.flac", audioSHA256: String(repeating: "ab", count: 32),
                                   plannedSeconds: 21.723, playedSeconds: 21.723))
    }
    return log
}

func refusal(_ data: Data) -> HubRefusal? { try? JSONDecoder().decode(HubRefusal.self, from: data) }
