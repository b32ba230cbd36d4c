import Foundation
import LoaAlerts
import LoaCore

/// Where an accepted alert stands: in force, replaced by an Update, or stopped by a Cancel.
public enum AlertState: String, Sendable, Hashable, Codable {
    case active, replaced, cancelled
}

/// An alert as the hub keeps it: the `StationAlert` every target receives (its `seq` set), the stations it was
/// resolved to at receipt, and when each of them was handed it.
public struct StoredAlert: Sendable, Hashable {
    public var alert: StationAlert
    public var state: AlertState
    /// CAP `sent`, as written (a Cancel's `references` name it).
    public var sent: String
    /// Station ids, sorted; empty when read for one station's feed.
    public var targets: [String]
    /// Station → when the hub wrote the alert to it (SSE or long poll), RFC 3339.
    public var deliveredAt: [String: String]

    public init(alert: StationAlert, state: AlertState, sent: String, targets: [String], deliveredAt: [String: String] = [:]) {
        self.alert = alert; self.state = state; self.sent = sent; self.targets = targets; self.deliveredAt = deliveredAt
    }

    public var seq: Int64 { alert.seq }
    public var key: String { alert.key }

    /// Whether a station that connects now still needs it: in force and not expired, or a Cancel (stopping what the
    /// station may hold).
    func stillMatters(at now: Date) -> Bool {
        if alert.action == .cancel { return true }
        return state == .active && (alert.expires.map { $0 > now } ?? true)
    }
}

/// The alerts' part of the hub's store (both stores; SPEC §9). Seqs only grow, across restarts.
public protocol AlertStore: Sendable {
    /// Stores `alert` (its `seq` ignored) for `targets` and marks the alerts it `stops` `stopped`, in one transaction;
    /// when `alert.key` is already held nothing changes and the stored one comes back with `created` false.
    /// `previous` is the highest seq before the new one: no alert lies between them.
    func addAlert(_ alert: StationAlert, sent: String, targets: [String], stopped: AlertState) async throws
        -> (stored: StoredAlert, created: Bool, previous: Int64)
    func alert(key: String) async throws -> StoredAlert?
    /// Every alert after `afterSeq`, with targets and deliveries, newest last.
    func alerts(afterSeq: Int64, limit: Int) async throws -> [StoredAlert]
    /// The alerts after `afterSeq` that target `station` (targets left empty).
    func alerts(station: String, afterSeq: Int64) async throws -> [StoredAlert]
    /// Records when these (seq, station) pairs were written to their stations; the first time counts.
    func markDelivered(_ deliveries: [AlertDelivery]) async throws
    /// The `source: emergency` rows whose `detail` is `identifier`, of every station, in station and seq order.
    func emergencyEvents(identifier: String) async throws -> [AiringEvent]
}

public struct AlertDelivery: Sendable, Hashable {
    public var seq: Int64
    public var station: String
    /// RFC 3339, when the hub wrote the alert to the station.
    public var at: String
    public init(seq: Int64, station: String, at: String) { self.seq = seq; self.station = station; self.at = at }
}

/// The answer to `POST /api/v1/alerts` (201 when new, 200 with the same body for a duplicate).
public struct AlertAnswer: Sendable, Hashable, Codable {
    public var key: String
    public var seq: Int64
    public var targets: [String]
    public var airs: Bool
    public var mode: String
    public var action: String
    public var stops: [String]
    public var state: AlertState
    public var receivedAt: Date
    public var expires: Date?
    /// The audio blob's SHA-256, when the alert carries audio.
    public var audio: String?
    enum CodingKeys: String, CodingKey {
        case key, seq, targets, airs, mode, action, stops, state, receivedAt = "received_at", expires, audio
    }

    init(_ stored: StoredAlert) {
        let a = stored.alert
        key = a.key; seq = a.seq; targets = stored.targets; airs = a.airs; mode = a.mode.rawValue
        action = a.action.rawValue; stops = a.stops; state = stored.state; receivedAt = a.receivedAt
        expires = a.expires; audio = a.audio?.sha256
    }
}

extension TokenGrant {
    /// The `role` and `station` columns the stores keep a token's grant in.
    var columns: (role: String, station: String?) {
        switch self {
        case .admin: ("admin", nil)
        case .alerts: ("alerts", nil)
        case .station(let id): ("station", id)
        }
    }

    init?(role: String, station: String?) {
        switch role {
        case "admin": self = .admin
        case "alerts": self = .alerts
        default:
            guard let station else { return nil }
            self = .station(station)
        }
    }
}
