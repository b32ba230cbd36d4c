import AsyncHTTPClient
import Foundation
import LoaCore
import LoaL10n
import NIOCore
import NIOHTTP1

/// The hub's API as a station or a publisher calls it (SPEC §8), over async-http-client. One value per hub and
/// token; cheap to copy.
public struct HubClient: Sendable {
    /// e.g. `http://127.0.0.1:8800` (no trailing slash needed).
    public let base: String
    public let token: String
    public let http: HTTPClient
    public let timeout: TimeAmount

    public init(base: String, token: String, http: HTTPClient = HubClient.http, timeout: TimeAmount = .seconds(60)) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token; self.http = http; self.timeout = timeout
    }

    /// The process's one client for the hub: an unreachable hub fails at once (no connection retries until the
    /// deadline, which would hold a station's sync for the whole timeout); the station tries again at its next round.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Reads a token file (the token on its first line).
    public static func token(fromFile path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let token = text.split(whereSeparator: \.isNewline).first.map(String.init), !token.isEmpty else {
            throw SyncError(.localFile, subject: path, Localized(
                vi: "không đọc được mã truy cập từ tệp này", en: "cannot read an access token from this file"))
        }
        return token.trimmingCharacters(in: .whitespaces)
    }

    /// The answer to a plan check: a new manifest, or 304 (unchanged since `ifNoneMatch`).
    public enum ManifestAnswer: Sendable, Hashable {
        case unchanged
        case manifest(PlanManifest)
    }

    /// - Parameter inUse: the station's plan on air (its last good version), which the hub shows in its status.
    public func manifest(ifNoneMatch version: String? = nil, inUse: String? = nil) async throws -> ManifestAnswer {
        var headers: [(String, String)] = []
        if let version { headers.append(("If-None-Match", "\"\(version)\"")) }
        if let inUse { headers.append(("Loa-Plan-In-Use", inUse)) }
        let (status, body) = try await call(.GET, "/api/v1/plan", headers: headers, accept: [200, 304])
        if status == 304 { return .unchanged }
        return .manifest(try decode(body, "GET /api/v1/plan"))
    }

    /// Whether the hub holds blob `sha256` (a one-byte ranged GET).
    public func hasBlob(_ sha256: String) async throws -> Bool {
        let (status, _) = try await call(.GET, "/api/v1/blobs/\(sha256)", headers: [("Range", "bytes=0-0")],
                                         accept: [200, 206, 404, 416])
        return status != 404
    }

    public func putBlob(_ bytes: Data, sha256: String) async throws {
        _ = try await call(.PUT, "/api/v1/blobs/\(sha256)", body: bytes, accept: [200, 201])
    }

    /// Bytes of blob `sha256` from `offset` to its end.
    public func blob(_ sha256: String, from offset: Int64 = 0) async throws -> Data {
        let headers = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        return try await call(.GET, "/api/v1/blobs/\(sha256)", headers: headers, accept: [200, 206]).1
    }

    /// Makes `manifest` current; the hub names the version. `changed` is false when it already was current.
    public func publish(_ manifest: PlanManifest) async throws -> (version: String, changed: Bool) {
        let body = try JSONEncoder().encode(manifest)
        let answer: [String: String] = try decode(try await call(.POST, "/api/v1/plans", body: body, accept: [200]).1,
                                                  "POST /api/v1/plans")
        return (answer["version"] ?? "", answer["changed"] == "true")
    }

    /// Pushes rows as JSON lines; the hub's acknowledgement carries its signed receipt. A diverged station gets
    /// `SyncError.diverged` with the hub's `diverged_at`.
    public func push(station: String, rows: [AiringEvent]) async throws -> HubAcknowledgement {
        let body = try EventLines.encode(rows)
        let path = "/api/v1/stations/\(station)/events"
        return try decode(try await call(.POST, path, body: body, accept: [200]).1, "POST \(path)")
    }

    /// Sends the station's own signed checkpoints; the hub checks them against the key it registered.
    public func push(station: String, checkpoints: [Checkpoint]) async throws {
        _ = try await call(.POST, "/api/v1/stations/\(station)/checkpoints", body: try JSONEncoder().encode(checkpoints),
                           accept: [200])
    }

    /// The hub's status of every station (admin).
    public func stations() async throws -> [HubStationStatus] {
        try decode(try await call(.GET, "/api/v1/stations", accept: [200]).1, "GET /api/v1/stations")
    }

    /// The hub's copy of a station's log, as a SQLite airing log file's bytes (admin).
    public func stationLog(_ station: String) async throws -> Data {
        try await call(.GET, "/api/v1/stations/\(station)/log", accept: [200]).1
    }

    /// `POST /api/v1/alerts` with a CAP 1.2 document: the hub's JSON answer, and whether it took a new alert (201)
    /// or already held this one (200).
    public func postAlert(_ xml: Data) async throws -> (new: Bool, answer: Data) {
        let (status, data) = try await call(.POST, "/api/v1/alerts", headers: [("Content-Type", "application/xml")],
                                            body: xml, accept: [200, 201])
        return (status == 201, data)
    }

    // MARK: Internals

    func call(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: Data? = nil,
              accept: Set<Int>) async throws -> (Int, Data) {
        let subject = "\(method.rawValue) \(base)\(path)"
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let status: Int, data: Data
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            var buffer = try await response.body.collect(upTo: 1 << 30)
            data = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw SyncError(.unreachable, subject: subject, Localized(
                vi: "không liên lạc được với hub (\(error))", en: "cannot reach the hub (\(error))"))
        }
        guard accept.contains(status) else {
            let refusal = try? JSONDecoder().decode(HubRefusal.self, from: data)
            let words = refusal.map { Localized(vi: $0.messageVi, en: $0.message) }
                ?? Localized(vi: "hub trả lời \(status)", en: "the hub answered \(status)")
            throw SyncError(refusal?.divergedAt != nil ? .diverged : .refused, subject: subject,
                            Localized(vi: "hub từ chối (\(status)): \(words.vi)", en: "the hub refused (\(status)): \(words.en)"),
                            status: status, refusal: refusal)
        }
        return (status, data)
    }

    func decode<T: Decodable>(_ data: Data, _ subject: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw SyncError(.badAnswer, subject: subject, Localized(
                vi: "câu trả lời của hub không đọc được (\(error))", en: "cannot read the hub's answer (\(error))"))
        }
    }
}
