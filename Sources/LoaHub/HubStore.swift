import LoaCore
import LoaL10n
import LoaLog

/// Who a bearer token speaks for: the city's administrators, or one station (which reaches only its own data).
public enum TokenGrant: Sendable, Hashable {
    case admin
    /// May only post alerts (`loa hub token --alerts`): a warning centre's feed or the city's button.
    case alerts
    case station(String)
}

/// What the hub did with a batch of pushed rows.
public enum IngestOutcome: Sendable, Hashable {
    /// Stored (or already held, identical); the station's chain now ends at `through` with `hash`.
    case stored(through: Int64, hash: String, added: Int)
    /// A row disagrees with what the hub holds; nothing of the batch was stored and the station is marked diverged.
    case diverged(at: Int64)
}

/// The hub's state: tokens, plan versions, stations and their events. SQLite (`SQLiteHubStore`) by default; every
/// implementation gives the same answers, so the routes never know which one they talk to.
public protocol HubStore: AlertStore {
    func addToken(hash: String, grant: TokenGrant) async throws
    func grant(forTokenHash hash: String) async throws -> TokenGrant?
    /// Makes `manifest` (its version already set) the current plan; false when it already was.
    func publish(_ manifest: PlanManifest, at: String) async throws -> Bool
    func currentPlan() async throws -> PlanManifest?
    /// Records that `station` called at `at`, airing `planVersion` when it said so.
    func touch(station: String, at: String, planVersion: String?) async throws
    func stations() async throws -> [HubStationStatus]
    /// Checks `rows` against the station's stored chain (`IngestCheck`) and stores the new ones, all in one
    /// transaction.
    func ingest(station: String, rows: [AiringEvent], at: String) async throws -> IngestOutcome
    /// Checks the station's signed checkpoints (`IngestCheck.checkpoints`) and keeps them; the first one registers the
    /// station's key. Returns the number newly kept, or the seq at which a checkpoint contradicts a stored row.
    func addCheckpoints(station: String, _ checkpoints: [Checkpoint], at: String) async throws -> IngestOutcome
    /// The station's stored rows after `afterSeq`, in seq order, at most `limit`.
    func events(station: String, afterSeq: Int64, limit: Int) async throws -> [AiringEvent]
    /// What the report reads the stored rows with: `scan(path:)` takes a station id, verifies that station's chain
    /// and hands over its rows in seq order (`HubReportRows.swift`).
    func reportReader() -> any AiringLogReader
    /// Keeps the status the station last reported (replacing the one before) and records the contact.
    func recordStatus(station: String, _ status: StationStatus, at: String) async throws
    /// Every station's last reported status, by station id.
    func reportedStatuses() async throws -> [String: StationStatus]
}

/// The hub's judgement of pushed rows against a station's stored chain (SPEC §8): seq contiguous, `prev_hash`
/// continuing the stored chain, every hash recomputed with LoaLog's `Chain`. Pure, so every store applies the
/// same rules.
public enum IngestCheck {
    public enum Verdict: Sendable, Hashable {
        case accept(new: [AiringEvent], through: Int64, hash: String)
        case diverged(at: Int64)
    }

    /// - Parameters:
    ///   - lastSeq, lastHash: the stored chain's end (0 and `Chain.genesis` when empty).
    ///   - storedHash: the stored hash of a seq at or below `lastSeq`.
    /// - Throws: `HubError.badRequest` for a row that is wrong in itself (another station, a hash that does not
    ///   recompute, a gap); such a batch is refused whole and changes nothing.
    public static func judge(station: String, rows: [AiringEvent], lastSeq: Int64, lastHash: String,
                             subject: String, storedHash: (Int64) throws -> String?) throws -> Verdict {
        var tailSeq = lastSeq, tailHash = lastSeq == 0 ? Chain.genesis : lastHash
        var new: [AiringEvent] = []
        for row in rows {
            guard row.station == station else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "dòng seq \(row.seq) thuộc đài '\(row.station)', không phải '\(station)'",
                    en: "row seq \(row.seq) belongs to station '\(row.station)', not '\(station)'"))
            }
            guard Chain.holds(row) else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "dòng seq \(row.seq): hash không khớp với nội dung dòng",
                    en: "row seq \(row.seq): its hash does not match its content"))
            }
            if row.seq <= tailSeq, new.isEmpty {
                // Already held: fine when identical, evidence of a rewritten log when not.
                guard let stored = try storedHash(row.seq), stored == row.hash else { return .diverged(at: row.seq) }
                continue
            }
            guard row.seq == tailSeq + 1 else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "dòng seq \(row.seq) không liền mạch: hub chờ seq \(tailSeq + 1)",
                    en: "row seq \(row.seq) is not contiguous: the hub expects seq \(tailSeq + 1)"))
            }
            guard row.prevHash == tailHash else { return .diverged(at: row.seq) }
            new.append(row)
            tailSeq = row.seq; tailHash = row.hash
        }
        return .accept(new: new, through: tailSeq, hash: tailSeq == 0 ? "" : tailHash)
    }

    /// Every checkpoint must be the station's, signed by `registeredKey` (or, with none yet, by the first one's key,
    /// which the hub then registers); a checkpoint over a stored row must name that row's hash (else: diverged).
    /// - Returns: the key to register, and the seq of the first contradiction, if any.
    public static func checkpoints(station: String, _ checkpoints: [Checkpoint], registeredKey: String?, subject: String,
                                   storedHash: (Int64) throws -> String?) throws -> (key: String?, divergedAt: Int64?) {
        let key = registeredKey ?? checkpoints.first?.publicKey
        for c in checkpoints {
            guard c.station == station else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "điểm kiểm seq \(c.seq) thuộc đài '\(c.station)'", en: "checkpoint seq \(c.seq) belongs to station '\(c.station)'"))
            }
            guard let key, c.isSigned(by: key) else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "điểm kiểm seq \(c.seq) không được ký bằng khoá đã đăng ký của đài",
                    en: "checkpoint seq \(c.seq) is not signed by the station's registered key"))
            }
            if let stored = try storedHash(c.seq), stored != c.hash { return (key, c.seq) }
        }
        return (key, nil)
    }
}
