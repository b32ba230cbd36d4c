import Foundation
import Hummingbird
import LoaAlerts
import LoaCore
import LoaL10n
import ServiceLifecycle

/// The alerts' side of the API (SPEC §9, docs/reference/hub.md): taking CAP alerts, each station's feed of them
/// (Server-Sent Events or long poll) and what became of each.
enum HubAlertRoutes {
    /// The longest a long poll waits.
    static let maxWait = 30

    static func add(to router: Router<BasicRequestContext>, _ hub: HubService) {
        router.post("/api/v1/alerts") { request, _ in
            await HubRoutes.answer("POST /api/v1/alerts") { subject in
                try requirePoster(try await hub.authenticate(request.headers[.authorization], subject: subject), hub, subject)
                let (answer, created) = try await hub.acceptAlert(try await body(request, subject), subject: subject)
                return try alertJSON(answer, status: created ? .created : .ok)
            }
        }
        router.post("/api/v1/emergencies") { request, _ in
            await HubRoutes.answer("POST /api/v1/emergencies") { subject in
                try requirePoster(try await hub.authenticate(request.headers[.authorization], subject: subject), hub, subject)
                let form: EmergencyForm = try HubRoutes.decode(try await body(request, subject), subject: subject)
                let draft = try form.draft(subject: subject, now: hub.now())
                let (answer, created) = try await hub.acceptAlert(draft.capDocument(), subject: subject)
                return try alertJSON(answer, status: created ? .created : .ok)
            }
        }
        router.get("/api/v1/alerts") { request, _ in
            await HubRoutes.answer("GET /api/v1/alerts") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let after = Int64(request.uri.queryParameters.get("after") ?? "") ?? 0
                return try alertJSON(try await hub.alertStatuses(after: after))
            }
        }
        router.get("/api/v1/roster") { request, _ in
            await HubRoutes.answer("GET /api/v1/roster") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let roster = try await hub.currentRoster(subject: subject)
                return try alertJSON(RosterAnswer(version: roster.version, stations: roster.stations.sorted(),
                                                  groups: roster.groups))
            }
        }
        router.get("/api/v1/alerts/:key") { request, context in
            let key = (context.parameters.get("key") ?? "").removingPercentEncoding ?? ""
            return await HubRoutes.answer("GET /api/v1/alerts/\(key)") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                return try alertJSON(try await hub.alertStatus(key: key, subject: subject))
            }
        }
        router.get("/api/v1/stations/:id/alerts") { request, context in
            let station = context.parameters.get("id") ?? ""
            return await HubRoutes.answer("GET /api/v1/stations/\(station)/alerts") { subject in
                let grant = try await hub.authenticate(request.headers[.authorization], subject: subject)
                try hub.requireStation(grant, station, subject: subject)
                if case .station = grant { try await hub.store.touch(station: station, at: hub.timestamp, planVersion: nil) }
                let query = request.uri.queryParameters
                let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
                guard let after = Int64(lastEventID ?? query.get("after") ?? "0"), after >= 0 else {
                    throw HubError(.badRequest, subject: subject, Localized(
                        vi: "after / Last-Event-ID phải là một seq (số nguyên ≥ 0)", en: "after / Last-Event-ID must be a seq (an integer ≥ 0)"))
                }
                if request.headers[.accept]?.contains("text/event-stream") == true {
                    return eventStream(hub, station: station, after: after)
                }
                guard let wait = Int(query.get("wait") ?? "0"), (0...maxWait).contains(wait) else {
                    throw HubError(.badRequest, subject: subject, Localized(
                        vi: "wait phải từ 0 đến \(maxWait) giây", en: "wait must be 0 to \(maxWait) seconds"))
                }
                return try await longPoll(hub, station: station, after: after, wait: wait)
            }
        }
    }

    /// Administrators and `--alerts` tokens.
    static func requirePoster(_ grant: TokenGrant, _ hub: HubService, _ subject: String) throws {
        if grant == .alerts { return }
        try hub.requireAdmin(grant, subject: subject)
    }

    /// The body, at most a CAP document's limit (413 beyond), whatever the hub's own `--max-body`.
    static func body(_ request: Request, _ subject: String) async throws -> Data {
        let limit = CAPAlert.maximumSize + (1 << 20)
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw HubError(.tooLarge, subject: subject, Localized(
                vi: "bản tin quá lớn (tối đa \(limit) byte)", en: "the alert is too large (at most \(limit) bytes)"))
        }
    }

    /// JSON with the alerts' times (RFC 3339 UTC, milliseconds), as `StationAlert.encoder` writes them.
    static func alertJSON(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try StationAlert.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"alerts": […], "through": SEQ}` at once when there is something new, else after the next alert or `wait`.
    static func longPoll(_ hub: HubService, station: String, after: Int64, wait: Int) async throws -> Response {
        let (id, signals, continuation) = await hub.alerting.feed.subscribe()
        defer { Task { await hub.alerting.feed.unsubscribe(id) } }
        var (alerts, through) = try await hub.alerts(for: station, after: after)
        if through == after, wait > 0 {
            let timer = Task { try? await Task.sleep(for: .seconds(wait)); continuation.finish() }
            await withGracefulShutdownHandler {
                for await _ in signals { break }
            } onGracefulShutdown: {
                continuation.finish()
            }
            timer.cancel()
            (alerts, through) = try await hub.alerts(for: station, after: after)
        }
        await hub.delivered(alerts, to: station)
        return try alertJSON(AlertBatch(alerts: alerts, through: through))
    }

    /// What the emergency form offers: the current plan's stations and groups.
    struct RosterAnswer: Encodable {
        var version: String
        var stations: [String]
        var groups: [String: [String]]
    }

    struct AlertBatch: Encodable {
        var alerts: [StationAlert]
        var through: Int64
    }

    /// Server-Sent Events: what the station lacks, then each new alert as it is accepted (`id: SEQ`, `event: alert`,
    /// `data:` the `StationAlert` JSON), and a comment line every heartbeat. Ends when the station goes away, or
    /// when the hub stops (`loa hub serve` exits on SIGTERM only once every request has ended).
    static func eventStream(_ hub: HubService, station: String, after: Int64) -> Response {
        let body = ResponseBody { writer in
            let (id, signals, continuation) = await hub.alerting.feed.subscribe()
            let interval = hub.alerting.heartbeat
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield(.heartbeat)
                }
            }
            defer { ticker.cancel(); Task { await hub.alerting.feed.unsubscribe(id) } }
            try await writer.write(ByteBuffer(string: "retry: 2000\n: loa hub alerts for \(station)\n\n"))
            try await withGracefulShutdownHandler {
                try await stream(hub, station: station, after: after, signals: signals, to: &writer)
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private static func stream(_ hub: HubService, station: String, after: Int64, signals: AsyncStream<AlertFeed.Signal>,
                               to writer: inout any ResponseBodyWriter) async throws {
        var last = after
        var iterator = signals.makeAsyncIterator()
        var signal: AlertFeed.Signal? = .heartbeat
        var first = true
        while let current = signal {
            if current == .heartbeat, !first { try await writer.write(ByteBuffer(string: ": heartbeat\n\n")) }
            first = false
            // A new alert is usually in memory; the first look and heartbeats read the store (another hub process
            // sharing the database may have taken an alert).
            var text = "", sent: [StationAlert] = []
            if current == .alert, let (fresh, through) = await hub.alerting.feed.pending(for: station, after: last, now: hub.now()) {
                text = fresh.map(\.event).joined()
                sent = fresh.map(\.alert)
                last = through
            } else {
                let (alerts, through) = try await hub.alerts(for: station, after: last)
                text = try alerts.map(PublishedAlert.sseEvent).joined()
                sent = alerts
                last = through
            }
            if !sent.isEmpty {
                try await writer.write(ByteBuffer(string: text))
                await hub.delivered(sent, to: station)
            }
            signal = await iterator.next()
        }
    }
}
