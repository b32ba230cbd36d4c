import Foundation
import Hummingbird
import LoaAlerts
import LoaCore
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport
import NIOCore

/// The hub's side of issue 17 as the contract gives it (`GET /api/v1/stations/ID/alerts` as Server-Sent Events with
/// `Last-Event-ID` or as JSON with `?after=&wait=0`; blobs at `GET /api/v1/blobs/SHA256`), served by Hummingbird on
/// 127.0.0.1 so the station's side is tested over real HTTP before the real hub's endpoint lands.
final class AlertHub: @unchecked Sendable {
    static let token = "alert-hub-station-token"
    let state = Locked(State())
    struct State {
        var alerts: [StationAlert] = []
        var blobs: [String: Data] = [:]
        var streams: [UUID: AsyncStream<StationAlert>.Continuation] = [:]
        /// `Last-Event-ID` (or `after`) of each stream opened, in order; nil when the station sent none.
        var resumedFrom: [String?] = []
        var polls = 0
        /// How long each blob takes to come (audio still arriving when its slot opens).
        var blobDelay: Duration = .zero
    }
    private var task: Task<Void, any Error>?
    private(set) var base = ""

    func start() async throws -> AlertHub {
        let router = Router()
        router.get("/api/v1/stations/:id/alerts") { [self] request, context in try alerts(request, context) }
        router.get("/api/v1/blobs/:sha") { [self] request, context -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.token)" else { return Response(status: .unauthorized) }
            guard let sha = context.parameters.get("sha"), let bytes = state.withLock({ $0.blobs[sha] }) else {
                return Response(status: .notFound)
            }
            try await Task.sleep(for: state.withLock { $0.blobDelay })
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestSupportError("the alert hub did not start") }
        base = "http://127.0.0.1:\(port)"
        return self
    }

    func stop() async {
        dropStreams()
        task?.cancel(); _ = await task?.result
    }

    var client: HubClient { HubClient(base: base, token: Self.token) }

    /// Stores an alert under the next seq and sends it down every open stream.
    @discardableResult
    func publish(_ alert: StationAlert) -> StationAlert {
        var alert = alert
        let streams = state.withLock { s -> [AsyncStream<StationAlert>.Continuation] in
            alert.seq = Int64(s.alerts.count + 1)
            s.alerts.append(alert)
            return Array(s.streams.values)
        }
        for stream in streams { stream.yield(alert) }
        return alert
    }

    /// Stores audio as a blob; `served` replaces the bytes the hub hands out (a corrupted store).
    @discardableResult
    func blob(_ bytes: Data, served: Data? = nil, mimeType: String = "audio/wav") -> StationAlert.Blob {
        let sha = sha256Hex(bytes)
        state.withLock { $0.blobs[sha] = served ?? bytes }
        return StationAlert.Blob(sha256: sha, size: Int64(bytes.count), mimeType: mimeType)
    }

    /// Closes every open stream, as a network break or a hub restart would.
    func dropStreams() {
        let streams = state.withLock { s in defer { s.streams = [:] }; return Array(s.streams.values) }
        for stream in streams { stream.finish() }
    }

    var openStreams: Int { state.withLock { $0.streams.count } }

    private func alerts(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard request.headers[.authorization] == "Bearer \(Self.token)" else { return Response(status: .unauthorized) }
        let query = request.uri.queryParameters
        let lastID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        let after = Int64(lastID ?? query.get("after") ?? "0") ?? 0
        if request.headers[.accept]?.contains("text/event-stream") == true {
            let (stream, continuation) = AsyncStream.makeStream(of: StationAlert.self)
            let id = UUID()
            let backlog = state.withLock { s -> [StationAlert] in
                s.streams[id] = continuation
                s.resumedFrom.append(lastID)
                return s.alerts.filter { $0.seq > after }
            }
            for alert in backlog { continuation.yield(alert) }
            continuation.onTermination = { [self] _ in _ = state.withLock { $0.streams.removeValue(forKey: id) } }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: .init { writer in
                                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                                for await alert in stream {
                                    let json = String(decoding: try StationAlert.encoder.encode(alert), as: UTF8.self)
                                    try await writer.write(ByteBuffer(string: "id: \(alert.seq)\nevent: alert\ndata: \(json)\n\n"))
                                }
                                try await writer.finish(nil)
                            })
        }
        let (page, through) = state.withLock { s -> ([StationAlert], Int64) in
            s.polls += 1
            return (s.alerts.filter { $0.seq > after }, Int64(s.alerts.count))
        }
        let body = "{\"alerts\":[" + (try page.map { String(decoding: try StationAlert.encoder.encode($0), as: UTF8.self) })
            .joined(separator: ",") + "],\"through\":\(through)}"
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// An alert as the hub would hand it: `cut_in` from now (or `effective`), audio `blob` or `text`.
func stationAlert(_ identifier: String, mode: AlertOrder.Mode = .cutIn, effective: Date = Date(),
                  expires: Date? = Date().addingTimeInterval(3600), repeatSeconds: Int? = nil,
                  blob: StationAlert.Blob? = nil, text: String? = nil, airs: Bool = true,
                  action: StationAlert.Action = .air, stops: [String] = [], headline: String? = nil) -> StationAlert {
    StationAlert(seq: 0, key: "hanoi@city,\(identifier)", identifier: identifier, sender: "hanoi@city", action: action,
                 stops: stops, airs: airs, mode: mode, effective: effective, expires: expires,
                 repeatSeconds: repeatSeconds, hoursFrom: nil, hoursTo: nil, audio: blob, text: text,
                 voice: text == nil ? nil : "vi", headline: headline ?? "Cảnh báo \(identifier)", receivedAt: Date())
}
