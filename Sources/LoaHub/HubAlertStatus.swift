import Foundation
import LoaAlerts
import LoaCore

/// What became of one alert at each station it targets (`GET /api/v1/alerts[/KEY]`), from what the hub handed out
/// and the `source: emergency` events the stations pushed back with the alert's identifier in `detail`.
public struct AlertStatus: Sendable, Hashable, Codable {
    public var key: String
    public var seq: Int64
    public var identifier: String
    public var sent: String
    public var headline: String?
    /// What the stations speak, when the alert has no audio.
    public var text: String?
    public var state: AlertState
    public var action: String
    public var mode: String
    public var airs: Bool
    public var receivedAt: Date
    public var expires: Date?
    public var repeatSeconds: Int?
    public var stations: [StationProgress]
    /// How many stations are in each `StationProgress.state`.
    public var counts: [String: Int]

    enum CodingKeys: String, CodingKey {
        case key, seq, identifier, sent, headline, text, state, action, mode, airs, receivedAt = "received_at", expires
        case repeatSeconds = "repeat_s", stations, counts
    }
}

/// One targeted station's progress with an alert.
public struct StationProgress: Sendable, Hashable, Codable {
    /// `finished`, `interrupted`, `missed`, `failed` (its last airing's end), `started` (on air now), `delivered`
    /// (handed the alert, not aired yet), `not_reached` (the hub has not handed it the alert).
    public var state: String
    public var station: String
    /// Why a station was not reached: `never_contacted`, `offline` (its last contact is before the receipt) or
    /// `not_handed_yet` (it called since, the alert is not written to it yet).
    public var reason: String?
    public var deliveredAt: String?
    /// The first `started` event's `at`: the first sample of the alert at this station.
    public var startedAt: String?
    /// The end event of the last airing.
    public var endedAt: String?
    /// Airings started so far (repeats count).
    public var airings: Int
    /// Instants logged `missed` (the station was off, learned of the alert late, or could not get its audio).
    public var missed: Int = 0
    /// The hub's receipt → the first sample, in milliseconds.
    public var receiptToFirstSampleMs: Int?
    public var lastContact: String?

    enum CodingKeys: String, CodingKey {
        case state, station, reason, deliveredAt = "delivered_at", startedAt = "started_at", endedAt = "ended_at"
        case airings, missed, receiptToFirstSampleMs = "receipt_to_first_sample_ms", lastContact = "last_contact"
    }
}

extension HubService {
    /// Every alert after `after` (oldest first) with its stations' progress.
    public func alertStatuses(after: Int64 = 0, limit: Int = 200) async throws -> [AlertStatus] {
        await alerting.deliveries.flushNow(store: store)
        let contacts = try await lastContacts()
        var out: [AlertStatus] = []
        for stored in try await store.alerts(afterSeq: after, limit: limit) {
            out.append(Self.status(stored, events: try await store.emergencyEvents(identifier: stored.alert.identifier),
                                   contacts: contacts))
        }
        return out
    }

    public func alertStatus(key: String, subject: String) async throws -> AlertStatus {
        await alerting.deliveries.flushNow(store: store)
        guard let stored = try await store.alert(key: key) else {
            throw HubError(.notFound, subject: subject, .init(vi: "hub không có bản tin \(key)", en: "the hub holds no alert \(key)"))
        }
        return Self.status(stored, events: try await store.emergencyEvents(identifier: stored.alert.identifier),
                           contacts: try await lastContacts())
    }

    private func lastContacts() async throws -> [String: String] {
        var out: [String: String] = [:]
        for s in try await store.stations() { out[s.station] = s.lastContact }
        return out
    }

    static func status(_ stored: StoredAlert, events: [AiringEvent], contacts: [String: String]) -> AlertStatus {
        let a = stored.alert
        let byStation = Dictionary(grouping: events.filter { !$0.rehearsal }, by: \.station)
        let stations = stored.targets.map { station in
            progress(station, alert: a, events: byStation[station] ?? [], deliveredAt: stored.deliveredAt[station],
                     lastContact: contacts[station])
        }
        return AlertStatus(key: a.key, seq: a.seq, identifier: a.identifier, sent: stored.sent, headline: a.headline,
                           text: a.text, state: stored.state, action: a.action.rawValue, mode: a.mode.rawValue, airs: a.airs,
                           receivedAt: a.receivedAt, expires: a.expires, repeatSeconds: a.repeatSeconds,
                           stations: stations, counts: Dictionary(grouping: stations, by: \.state).mapValues(\.count))
    }

    static func progress(_ station: String, alert: StationAlert, events: [AiringEvent], deliveredAt: String?,
                         lastContact: String?) -> StationProgress {
        let starts = events.filter { $0.kind == .started }
        var p = StationProgress(state: "not_reached", station: station, deliveredAt: deliveredAt,
                                startedAt: starts.first?.at, airings: starts.count,
                                missed: events.filter { $0.kind == .missed }.count, lastContact: lastContact)
        if let first = starts.first, let at = Timestamp.parse(first.at) {
            p.receiptToFirstSampleMs = Int((at.timeIntervalSince(alert.receivedAt) * 1000).rounded())
        }
        if let last = events.last, last.kind != .started {
            p.state = last.kind == .preempted ? "interrupted" : last.kind.rawValue
            p.endedAt = last.at
            p.reason = Self.reason(inDetail: last.detail, identifier: alert.identifier)
        } else if !starts.isEmpty {
            p.state = "started"
        } else if deliveredAt != nil || !events.isEmpty {
            p.state = "delivered"
        } else {
            let contacted = lastContact.flatMap(Timestamp.parse)
            p.reason = contacted.map { $0 < alert.receivedAt ? "offline" : "not_handed_yet" } ?? "never_contacted"
        }
        return p
    }

    /// The station writes `IDENTIFIER (REASON)` for an airing that was cut or never aired (alerts.md).
    static func reason(inDetail detail: String?, identifier: String) -> String? {
        guard let detail, detail.hasPrefix(identifier + " ("), detail.hasSuffix(")") else { return nil }
        return String(detail.dropFirst(identifier.count + 2).dropLast())
    }

    /// SQL both stores use: `detail` is the identifier, or the identifier followed by ` (REASON)`. Compared by
    /// prefix with `substr`, not `LIKE`, so `%` or `_` in an identifier match only themselves.
    static let detailNamesIdentifier = "(detail = ?1 OR substr(detail, 1, length(?1) + 2) = ?1 || ' (')"
}
