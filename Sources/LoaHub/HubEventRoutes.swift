import Foundation
import Hummingbird
import LoaCore
import LoaL10n

/// The stations' side of the API: pushing events, the stations' status.
enum HubEventRoutes {
    static func add(to router: Router<BasicRequestContext>, _ hub: HubService) {
        router.post("/api/v1/stations/:id/events") { request, context in
            let station = context.parameters.get("id") ?? ""
            return await HubRoutes.answer("POST /api/v1/stations/\(station)/events") { subject in
                let grant = try await hub.authenticate(request.headers[.authorization], subject: subject)
                try hub.requireStation(grant, station, subject: subject)
                let rows = try eventLines(try await HubRoutes.body(request, hub, subject), subject: subject)
                return try HubRoutes.json(try await hub.ingest(station: station, rows: rows, subject: subject))
            }
        }
        router.post("/api/v1/stations/:id/checkpoints") { request, context in
            let station = context.parameters.get("id") ?? ""
            return await HubRoutes.answer("POST /api/v1/stations/\(station)/checkpoints") { subject in
                let grant = try await hub.authenticate(request.headers[.authorization], subject: subject)
                try hub.requireStation(grant, station, subject: subject)
                let checkpoints: [Checkpoint] = try HubRoutes.decode(try await HubRoutes.body(request, hub, subject), subject: subject)
                switch try await hub.store.addCheckpoints(station: station, checkpoints, at: hub.timestamp) {
                case .diverged(let seq): throw HubService.divergence(station: station, at: seq, subject: subject)
                case .stored(_, _, let added): return try HubRoutes.json(["kept": added])
                }
            }
        }
        router.get("/api/v1/stations/:id/log") { request, context in
            let station = context.parameters.get("id") ?? ""
            return await HubRoutes.answer("GET /api/v1/stations/\(station)/log") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let bytes = try await hub.exportLog(station: station, subject: subject)
                return Response(status: .ok, headers: [.contentType: "application/vnd.sqlite3",
                                                       .contentDisposition: "attachment; filename=\"\(station).sqlite\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.get("/api/v1/report") { request, _ in
            await HubRoutes.answer("GET /api/v1/report") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let query = request.uri.queryParameters
                func date(_ name: String) throws -> CivilDate? {
                    guard let text = query.get(name) else { return nil }
                    guard let date = CivilDate(text) else {
                        throw HubError(.badRequest, subject: subject, Localized(
                            vi: "\(name) phải là ngày YYYY-MM-DD", en: "\(name) must be a date YYYY-MM-DD"))
                    }
                    return date
                }
                let language: Language = query.get("lang") == "en" ? .en : .vi
                let (body, type) = try await hub.report(from: try date("from"), to: try date("to"), until: try date("until"),
                                                        format: query.get("format") ?? "html", language: language,
                                                        subject: subject)
                return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
        router.get("/api/v1/stations") { request, _ in
            await HubRoutes.answer("GET /api/v1/stations") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                return try HubRoutes.json(try await hub.stations())
            }
        }
    }

    /// One §3 row per line (JSON, `EventLines`); blank lines are skipped; a malformed line is refused naming its
    /// number and its fault.
    static func eventLines(_ body: Data, subject: String) throws -> [AiringEvent] {
        do { return try EventLines.decode(body) } catch let fault as EventLineFault {
            throw HubError(.badRequest, subject: subject, Localized(
                vi: "dòng \(fault.line) không phải một sự kiện JSON hợp lệ: \(fault.reason.vi)",
                en: "line \(fault.line) is not a valid JSON event: \(fault.reason.en)"))
        }
    }
}
