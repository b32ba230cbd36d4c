import Foundation
import LoaAlerts
import LoaCore

/// What the station's page shows of the fleet's alerts (`GET /api/v1/status`'s `alerts`).
extension AlertScheduler {
    /// Alerts held whose audio is still being fetched, spoken or measured.
    public var preparing: Int {
        state.withLock { s in s.held.values.filter { if case .pending = $0.audio { return true }; return false }.count }
    }

    /// The alert on air and those still to air, for `GET /api/v1/status`.
    public func board(now: Date) -> StationStatus.Alerts {
        let onAir = engine.emergencyAiringOnAir
        let (held, posted) = state.withLock { s in (s.held.values.map(\.alert), s.posted) }
        let stamp = { (d: Date) in Timestamp.format(d, timeZone: self.timeZone) }
        var board = StationStatus.Alerts()
        if let onAir, let key = posted[onAir], let alert = held.first(where: { $0.key == key }) {
            board.onAir = .init(identifier: alert.identifier, headline: alert.headline, airing: onAir,
                                mode: alert.mode.rawValue)
        }
        for alert in held.sorted(by: { $0.seq < $1.seq }) where alert.expires.map({ $0 > now }) ?? true {
            let next = nextInstant(of: alert, after: now)
            guard next != nil || alert.mode == .nextSlot else { continue }
            board.upcoming.append(.init(identifier: alert.identifier, headline: alert.headline,
                                        mode: alert.mode.rawValue, next: next.map(stamp),
                                        expires: alert.expires.map(stamp)))
        }
        return board
    }
}
