import Foundation
import Hummingbird
import LoaCore
import LoaL10n

/// `POST /api/v1/stations/ID/status`: a station reports what it airs and its problems (LoaCore's `StationStatus`,
/// the same value its own `GET /api/v1/status` answers); `GET /api/v1/stations` shows the last one.
enum HubStatusRoutes {
    /// A status is a few hundred bytes; anything near this is not one.
    static let maxStatusBytes = 64 << 10

    static func add(to router: Router<BasicRequestContext>, _ hub: HubService) {
        router.post("/api/v1/stations/:id/status") { request, context in
            let station = context.parameters.get("id") ?? ""
            return await HubRoutes.answer("POST /api/v1/stations/\(station)/status") { subject in
                let grant = try await hub.authenticate(request.headers[.authorization], subject: subject)
                try hub.requireStation(grant, station, subject: subject)
                let body: Data
                do {
                    var buffer = try await request.body.collect(upTo: maxStatusBytes)
                    body = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
                } catch {
                    throw HubError(.tooLarge, subject: subject, Localized(
                        vi: "trạng thái gửi lên quá lớn (tối đa \(maxStatusBytes) byte)",
                        en: "the status is too large (at most \(maxStatusBytes) bytes)"))
                }
                let status: StationStatus = try HubRoutes.decode(body, subject: subject)
                guard status.station == station else {
                    throw HubError(.badRequest, subject: subject, Localized(
                        vi: "trạng thái của đài '\(status.station)', không phải '\(station)'",
                        en: "the status is station '\(status.station)''s, not '\(station)''s"))
                }
                try await hub.store.recordStatus(station: station, status, at: hub.timestamp)
                return try HubRoutes.json(["kept": true])
            }
        }
    }
}

extension HubService {
    /// Every station the hub knows, with what it last reported of itself (on air, problems).
    public func stations() async throws -> [HubStationStatus] {
        let reported = try await store.reportedStatuses()
        return try await store.stations().map { $0.with(reported: reported[$0.station]) }
    }
}
