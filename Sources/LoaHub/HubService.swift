import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// Everything the hub's routes do, apart from HTTP: the store, the blobs, the hub's own key and its clock. Built
/// once per process; tests build one over a temporary folder with a fixed or simulated clock.
public struct HubService: Sendable {
    public let store: any HubStore
    public let blobs: BlobStore
    /// Signs receipts; its public half is what a station checks them against.
    public let key: StationKey
    public let now: @Sendable () -> Date
    /// The largest request body accepted (an audio blob, a batch of events); larger ones get 413.
    public let maxBody: Int
    /// The open alert streams and what alerts are mapped against (docs/reference/alerts.md).
    public let alerting: HubAlerting

    public init(store: any HubStore, blobs: BlobStore, key: StationKey, maxBody: Int = 256 << 20,
                alerting: HubAlerting = HubAlerting(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.blobs = blobs; self.key = key; self.maxBody = maxBody; self.now = now
        self.alerting = alerting
    }

    /// The hub over a data folder: `hub.sqlite`, `blobs/` and `hub.key` (made on first start, 0600).
    public static func open(data: String, maxBody: Int = 256 << 20) throws -> HubService {
        let folder = URL(fileURLWithPath: data)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try open(data: data, store: SQLiteHubStore(path: folder.appendingPathComponent("hub.sqlite").path), maxBody: maxBody)
    }

    /// The hub over a data folder (`blobs/`, `hub.key`) with its state in `database` (`postgresql://…`), or in the
    /// folder's `hub.sqlite` when nil.
    public static func open(data: String, database: String?, maxBody: Int = 256 << 20) async throws -> HubService {
        guard let database else { return try open(data: data, maxBody: maxBody) }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        return try open(data: data, store: try await PostgresHubStore(url: database), maxBody: maxBody)
    }

    static func open(data: String, store: any HubStore, maxBody: Int) throws -> HubService {
        let folder = URL(fileURLWithPath: data)
        // Report logs an earlier hub kept beside the store: the report now reads the store itself.
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("report-logs"))
        return HubService(store: store, blobs: try BlobStore(folder: folder.appendingPathComponent("blobs")),
                          key: try StationKey.loadOrCreate(at: folder.appendingPathComponent("hub.key")), maxBody: maxBody)
    }

    public var timestamp: String { Timestamp.format(now(), utcOffsetSeconds: 0, milliseconds: true) }

    /// Makes a token for `grant`, stores its hash, returns the token (shown once, never stored).
    public func issueToken(_ grant: TokenGrant) async throws -> String {
        let token = HubTokens.make()
        try await store.addToken(hash: HubTokens.hash(token), grant: grant)
        return token
    }

    /// Who `authorization` (the header's value) speaks for; `unauthorized` when missing or unknown.
    public func authenticate(_ authorization: String?, subject: String) async throws -> TokenGrant {
        guard let header = authorization, header.hasPrefix("Bearer "), header.count > 7 else {
            throw HubError(.unauthorized, subject: subject, Localized(
                vi: "thiếu mã truy cập (Authorization: Bearer …)", en: "missing access token (Authorization: Bearer …)"))
        }
        guard let grant = try await store.grant(forTokenHash: HubTokens.hash(String(header.dropFirst(7)))) else {
            throw HubError(.unauthorized, subject: subject, Localized(
                vi: "mã truy cập không hợp lệ", en: "the access token is not valid"))
        }
        return grant
    }

    /// Refuses anyone but an administrator.
    public func requireAdmin(_ grant: TokenGrant, subject: String) throws {
        guard grant == .admin else {
            throw HubError(.forbidden, subject: subject, Localized(
                vi: "chỉ quản trị viên của hub được làm việc này", en: "only the hub's administrators may do this"))
        }
    }

    /// Refuses anyone but `station` itself or an administrator.
    public func requireStation(_ grant: TokenGrant, _ station: String, subject: String) throws {
        if grant == .admin || grant == .station(station) { return }
        throw HubError(.forbidden, subject: subject, Localized(
            vi: "mã truy cập này không thuộc đài '\(station)'", en: "this token does not belong to station '\(station)'"))
    }

    /// Checks a manifest an administrator posts (safe paths, hashes, the main file among them, every blob held),
    /// names its version from its content and makes it current. Returns the version and whether it changed.
    public func publish(_ posted: PlanManifest, subject: String) async throws -> (version: String, changed: Bool) {
        guard posted.files.contains(where: { $0.path == posted.plan }) else {
            throw HubError(.badRequest, subject: subject, Localized(
                vi: "tệp kế hoạch chính '\(posted.plan)' không có trong danh sách tệp",
                en: "the main plan file '\(posted.plan)' is not among the files"))
        }
        for file in posted.files {
            guard PlanManifest.isSafeRelativePath(file.path), PlanManifest.isSHA256(file.sha256) else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "tệp '\(file.path)': đường dẫn hoặc SHA-256 không hợp lệ",
                    en: "file '\(file.path)': invalid path or SHA-256"))
            }
            guard blobs.size(of: file.sha256) == file.size else {
                throw HubError(.missingBlob, subject: subject, Localized(
                    vi: "hub chưa có tệp '\(file.path)' (\(file.sha256)); hãy tải lên trước",
                    en: "the hub lacks file '\(file.path)' (\(file.sha256)); upload it first"))
            }
        }
        var manifest = posted
        manifest.files.sort { $0.path < $1.path }
        manifest.version = String(HubTokens.hash(manifest.versionedText).prefix(16))
        let changed = try await store.publish(manifest, at: timestamp)
        return (manifest.version, changed)
    }

    static func divergence(station: String, at seq: Int64, subject: String) -> HubError {
        HubError(.diverged, subject: subject, Localized(
            vi: "nhật ký của đài '\(station)' khác với bản hub đang giữ từ seq \(seq); hub giữ bản cũ",
            en: "station '\(station)''s log differs from the hub's copy from seq \(seq); the hub keeps its copy"),
            divergedAt: seq)
    }

    /// Checks and stores pushed rows; signs a receipt for the stored chain's end.
    public func ingest(station: String, rows: [AiringEvent], subject: String) async throws -> HubAcknowledgement {
        let at = timestamp
        switch try await store.ingest(station: station, rows: rows, at: at) {
        case .diverged(let seq):
            throw Self.divergence(station: station, at: seq, subject: subject)
        case .stored(let through, let hash, _):
            let receipt = through == 0 ? nil : try key.checkpoint(station: station, seq: through, hash: hash, at: at)
            return HubAcknowledgement(through: through, hash: hash, receipt: receipt)
        }
    }
}
