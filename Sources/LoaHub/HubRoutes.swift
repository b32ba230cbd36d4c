import Foundation
import Hummingbird
import LoaCore
import LoaL10n

/// The hub's HTTP API under `/api/v1` (SPEC §8, docs/reference/hub.md). Every refusal is a `HubRefusal` JSON body
/// with the status of its `HubError`.
public enum HubRoutes {
    public static func router(_ hub: HubService) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { request, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                            .contentSecurityPolicy: "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:"],
                     body: .init(byteBuffer: ByteBuffer(string: HubPage.html(english: request.uri.queryParameters.get("lang") == "en"))))
        }
        router.get("/api/v1/plan") { request, _ in
            await answer("GET /api/v1/plan") { subject in
                let grant = try await hub.authenticate(request.headers[.authorization], subject: subject)
                if case .station(let id) = grant {
                    try await hub.store.touch(station: id, at: hub.timestamp, planVersion: planInUse(request))
                }
                guard let manifest = try await hub.store.currentPlan() else {
                    throw HubError(.notFound, subject: subject, Localized(
                        vi: "hub chưa có kế hoạch nào được công bố", en: "no plan has been published on the hub yet"))
                }
                let etag = "\"\(manifest.version)\""
                if let match = request.headers[.ifNoneMatch], match == etag || match == manifest.version {
                    return Response(status: .notModified, headers: [.eTag: etag])
                }
                return try json(manifest, headers: [.eTag: etag])
            }
        }
        router.post("/api/v1/plans") { request, _ in
            await answer("POST /api/v1/plans") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let posted: PlanManifest = try decode(try await body(request, hub, subject), subject: subject)
                let (version, changed) = try await hub.publish(posted, subject: subject)
                return try json(["version": version, "changed": changed ? "true" : "false"])
            }
        }
        router.get("/api/v1/blobs/:sha") { request, context in
            await answer("GET /api/v1/blobs/\(context.parameters.get("sha") ?? "")") { subject in
                _ = try await hub.authenticate(request.headers[.authorization], subject: subject)
                let sha = context.parameters.get("sha") ?? ""
                guard PlanManifest.isSHA256(sha), let size = hub.blobs.size(of: sha) else {
                    throw HubError(.notFound, subject: subject, Localized(vi: "hub không có tệp này", en: "the hub has no such file"))
                }
                guard let range = request.headers[.range] else {
                    return Response(status: .ok, headers: [.contentType: "application/octet-stream", .acceptRanges: "bytes"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: try hub.blobs.read(sha, from: 0, through: size - 1))))
                }
                guard let (start, end) = byteRange(range, size: size) else {
                    return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"])
                }
                let bytes = try hub.blobs.read(sha, from: start, through: end)
                return Response(status: .partialContent,
                                headers: [.contentType: "application/octet-stream", .contentRange: "bytes \(start)-\(end)/\(size)"],
                                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        router.put("/api/v1/blobs/:sha") { request, context in
            await answer("PUT /api/v1/blobs/\(context.parameters.get("sha") ?? "")") { subject in
                try hub.requireAdmin(try await hub.authenticate(request.headers[.authorization], subject: subject),
                                     subject: subject)
                let sha = context.parameters.get("sha") ?? ""
                guard PlanManifest.isSHA256(sha) else {
                    throw HubError(.badRequest, subject: subject, Localized(
                        vi: "tên tệp phải là SHA-256 (64 chữ số hex thường)", en: "the name must be a SHA-256 (64 lowercase hex digits)"))
                }
                try hub.blobs.put(try await body(request, hub, subject), as: sha, subject: subject)
                return try json(["sha256": sha], status: .created)
            }
        }
        HubEventRoutes.add(to: router, hub)
        HubAlertRoutes.add(to: router, hub)
        HubStatusRoutes.add(to: router, hub)
        return router
    }

    /// The `Loa-Plan-In-Use` header: the plan a station airs (its last good version), sent on `GET /plan`.
    static func planInUse(_ request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == "loa-plan-in-use" }?.value
    }

    /// Runs `handle`, turning a `HubError` (or any other error) into its JSON refusal.
    static func answer(_ subject: String, _ handle: (String) async throws -> Response) async -> Response {
        do {
            return try await handle(subject)
        } catch let error as HubError {
            return refusal(error)
        } catch {
            return refusal(HubError(.storeFailed, subject: subject, Localized(vi: "lỗi của hub: \(error)", en: "hub failure: \(error)")))
        }
    }

    static func refusal(_ error: HubError) -> Response {
        let data = (try? JSONEncoder().encode(error.refusal)) ?? Data()
        return Response(status: HTTPResponse.Status(code: error.status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// The request body, at most `hub.maxBody` bytes (413 beyond).
    static func body(_ request: Request, _ hub: HubService, _ subject: String) async throws -> Data {
        do {
            var buffer = try await request.body.collect(upTo: hub.maxBody)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw HubError(.tooLarge, subject: subject, Localized(
                vi: "nội dung gửi lên quá lớn (tối đa \(hub.maxBody) byte)",
                en: "the request body is too large (at most \(hub.maxBody) bytes)"))
        }
    }

    static func decode<T: Decodable>(_ data: Data, subject: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw HubError(.badRequest, subject: subject, Localized(
                vi: "JSON không hợp lệ: \(error)", en: "invalid JSON: \(error)"))
        }
    }

    /// `bytes=START-` or `bytes=START-END` (one range), clipped to the size; nil when unsatisfiable.
    static func byteRange(_ header: String, size: Int64) -> (Int64, Int64)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let parts = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), start < size else { return nil }
        let end = parts[1].isEmpty ? size - 1 : min(Int64(parts[1]) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }
}
