import Foundation
import LoaAlerts
import LoaCore
import LoaL10n

/// A repeating alert's instants that passed while the station was off, or before it learned of the alert: each is
/// logged `missed` once (its fixed airing id keeps a restart from writing it again), and the hub's per-alert status
/// counts them; the latest still airs while the alert is in force.
extension AlertScheduler {
    /// How far back instants missed while the station was off are logged: within the two days the engine reads back
    /// from its log at start, so a row written at one start is known at the next and never written twice.
    static let missedWindow: TimeInterval = 47 * 3600

    /// One `missed` row for each instant of `alert` that passed before `now` and will never air: all but the latest
    /// (that one airs at once, or first in the next slot, while the alert is in force). The reason says whether the
    /// station was off then or learned of the alert late. Rows already in the log are left out when written.
    func passedUnaired(_ alert: StationAlert, now: Date, stationStarted: Date) -> [AiringEvent] {
        // `airTimes` counts at most 10,000 instants from its start: a window of 5,000 repeats stays well inside it.
        let window = min(Self.missedWindow, Double(max(alert.repeatSeconds ?? 0, 1)) * 5000)
        let passed = alert.airTimes(from: gridPoint(alert, before: now.addingTimeInterval(-window)),
                                    to: now.addingTimeInterval(0.001), timeZone: timeZone)
            .filter { $0 >= now.addingTimeInterval(-window) }
        return passed.dropLast().map { instant in
            missed(alert, at: now, airing: airingID(alert, at: instant), reason: instant < stationStarted
                ? tr("đài không hoạt động lúc \(Timestamp.format(instant, timeZone: timeZone))",
                     "the station was off at \(Timestamp.format(instant, timeZone: timeZone))")
                : tr("đài nhận được cảnh báo sau lúc \(Timestamp.format(instant, timeZone: timeZone))",
                     "the station learned of the alert after \(Timestamp.format(instant, timeZone: timeZone))"))
        }
    }

    /// A cut-in alert's instants that passed while its audio was still being fetched or spoken (only the latest
    /// airs, at once): one `missed` row each, from the instant due when the station took the alert up to `before`.
    func passedWhilePreparing(_ held: Held, before t: Date, handled: Set<String>, posted: inout [String: String],
                              now: Date) -> [AiringEvent] {
        let alert = held.alert
        guard let first = latestInstant(of: alert, atOrBefore: held.arrived) ?? nextInstant(of: alert, after: held.arrived),
              first < t else { return [] }
        let from = max(first, t.addingTimeInterval(-Self.missedWindow))
        return alert.airTimes(from: gridPoint(alert, before: from), to: t, timeZone: timeZone)
            .filter { $0 >= first && $0 < t }
            .compactMap { instant in
                let id = airingID(alert, at: instant)
                guard posted[id] == nil, !handled.contains(id) else { return nil }
                posted[id] = alert.key
                return missed(alert, at: now, airing: id, reason: tr(
                    "âm thanh chưa sẵn sàng lúc \(Timestamp.format(instant, timeZone: timeZone))",
                    "its audio was not ready yet at \(Timestamp.format(instant, timeZone: timeZone))"))
            }
    }
}
