import Foundation

/// One file of a published plan: its path relative to the plan folder, its SHA-256 (lowercase hex) and size.
public struct ManifestFile: Sendable, Hashable, Codable {
    public var path: String
    public var sha256: String
    public var size: Int64
    public init(path: String, sha256: String, size: Int64) { self.path = path; self.sha256 = sha256; self.size = size }
}

/// What the hub serves a station at `GET /api/v1/plan` (SPEC §8): the plan version, the main plan file's path and
/// every file the plan needs. The hub names the version from the content, so publishing the same files again
/// gives the same version.
public struct PlanManifest: Sendable, Hashable, Codable {
    public var version: String
    /// The main plan file, one of `files`' paths.
    public var plan: String
    public var files: [ManifestFile]
    public init(version: String = "", plan: String, files: [ManifestFile]) {
        self.version = version; self.plan = plan; self.files = files
    }

    /// The bytes the version is hashed from: `plan\n` then `path\nsha256\nsize\n` per file, sorted by path.
    public var versionedText: String {
        files.sorted { $0.path < $1.path }.reduce("loa-plan/1\n\(plan)\n") { $0 + "\($1.path)\n\($1.sha256)\n\($1.size)\n" }
    }

    /// A path a station may write under its cache folder: relative, no `..`, no empty or hidden-parent parts.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." }
    }

    /// Whether `text` is 64 lowercase hex digits.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// The hub's answer to a batch of pushed events: the station's chain is stored through `through` with `hash`, and
/// `receipt` is that statement signed with the hub's Ed25519 key (a `Checkpoint` whose `publicKey` is the hub's).
public struct HubAcknowledgement: Sendable, Hashable, Codable {
    public var through: Int64
    public var hash: String
    public var receipt: Checkpoint?
    public init(through: Int64, hash: String, receipt: Checkpoint?) {
        self.through = through; self.hash = hash; self.receipt = receipt
    }
}

/// A refusal from the hub, as its JSON body says it: a machine-readable `error`, the words in both languages, and
/// for a diverged station the first seq whose stored row differs.
public struct HubRefusal: Sendable, Hashable, Codable {
    public var error: String
    public var message: String
    public var messageVi: String
    public var divergedAt: Int64?
    enum CodingKeys: String, CodingKey { case error, message, messageVi = "message_vi", divergedAt = "diverged_at" }
    public init(error: String, message: String, messageVi: String, divergedAt: Int64? = nil) {
        self.error = error; self.message = message; self.messageVi = messageVi; self.divergedAt = divergedAt
    }
}

/// One station as the hub sees it (`GET /api/v1/stations`).
public struct HubStationStatus: Sendable, Hashable, Codable {
    public var station: String
    /// RFC 3339, the last request the station made; nil when it never called.
    public var lastContact: String?
    public var lastSeq: Int64
    public var lastHash: String
    /// The first seq the station sent with another hash than the stored one, or whose chain did not continue.
    public var divergedAt: Int64?
    /// The station's registered public key (base64), from its first checkpoint.
    public var publicKey: String?
    /// The plan version the station says it airs (its last good plan), from its last plan check.
    public var planVersion: String?
    /// What the station last reported on air (`POST /stations/ID/status`); nil when nothing was, or it never said.
    public var onAir: StationStatus.OnAir?
    /// The problems the station last reported (device lost, log refusing writes, disk nearly full), in both languages.
    public var problems: [StationStatus.Problem]
    /// The station's own clock when it took the status it last reported (RFC 3339); nil when it never reported one.
    public var statusAt: String?
    enum CodingKeys: String, CodingKey {
        case station, lastContact = "last_contact", lastSeq = "last_seq", lastHash = "last_hash"
        case divergedAt = "diverged_at", publicKey = "public_key", planVersion = "plan_version"
        case onAir = "on_air", problems, statusAt = "status_at"
    }
    public init(station: String, lastContact: String? = nil, lastSeq: Int64 = 0, lastHash: String = "",
                divergedAt: Int64? = nil, publicKey: String? = nil, planVersion: String? = nil,
                onAir: StationStatus.OnAir? = nil, problems: [StationStatus.Problem] = [], statusAt: String? = nil) {
        self.station = station; self.lastContact = lastContact; self.lastSeq = lastSeq; self.lastHash = lastHash
        self.divergedAt = divergedAt; self.publicKey = publicKey; self.planVersion = planVersion
        self.onAir = onAir; self.problems = problems; self.statusAt = statusAt
    }

    /// A hub from before the status fields answers without them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(station: try c.decode(String.self, forKey: .station),
                  lastContact: try c.decodeIfPresent(String.self, forKey: .lastContact),
                  lastSeq: try c.decodeIfPresent(Int64.self, forKey: .lastSeq) ?? 0,
                  lastHash: try c.decodeIfPresent(String.self, forKey: .lastHash) ?? "",
                  divergedAt: try c.decodeIfPresent(Int64.self, forKey: .divergedAt),
                  publicKey: try c.decodeIfPresent(String.self, forKey: .publicKey),
                  planVersion: try c.decodeIfPresent(String.self, forKey: .planVersion),
                  onAir: try c.decodeIfPresent(StationStatus.OnAir.self, forKey: .onAir),
                  problems: try c.decodeIfPresent([StationStatus.Problem].self, forKey: .problems) ?? [],
                  statusAt: try c.decodeIfPresent(String.self, forKey: .statusAt))
    }

    /// Lays a station's own report over what the hub knows of it.
    public func with(reported status: StationStatus?) -> HubStationStatus {
        guard let status else { return self }
        var merged = self
        merged.onAir = status.now; merged.problems = status.problems; merged.statusAt = status.at
        return merged
    }
}
