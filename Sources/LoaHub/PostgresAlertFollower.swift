import Foundation
import Logging
import PostgresNIO

/// Several hub processes on one PostgreSQL database (behind a load balancer): an alert one process takes must reach
/// the streams another process holds in seconds, not at their next heartbeat. `addAlert` NOTIFYs `loa_alerts` with
/// the seq in its transaction; each process LISTENs on one dedicated connection and hands what it reads to its own
/// `AlertFeed`. Notifications are only a wake-up: what is new is always read from the store after the highest seq
/// this process has seen, so one lost while the connection was down is caught on reconnect (delayed, never dropped).
struct PostgresAlertFollower: Sendable {
    static let channel = "loa_alerts"
    /// The listening connection's `application_name`, so an operator (or a test) can find it in pg_stat_activity.
    static let applicationName = "loa-hub-alerts"
    /// First retry after a lost connection; doubles up to `longestBackoff`.
    static let firstBackoff: Duration = .milliseconds(250)
    static let longestBackoff: Duration = .seconds(30)

    let store: PostgresHubStore
    let feed: AlertFeed
    /// `loa hub serve` says when the listening connection is lost or cannot be made (warning); tests keep quiet.
    let logger: Logger

    /// Follows until the task is cancelled.
    func run() async {
        var seen: Int64?
        var backoff = Self.firstBackoff
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: store.listeningConfiguration, id: attempt, logger: logger)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        backoff = Self.firstBackoff
                        // LISTEN is in place: whatever is stored from now on wakes us, so catch up on the rest first.
                        seen = try await catchUp(after: seen)
                        for try await _ in notifications { seen = try await catchUp(after: seen) }
                    }
                } catch where !Task.isCancelled {
                    logger.warning("loa hub: alert notifications from PostgreSQL lost (\(error)); listening again, catching up by seq")
                } catch {}
                try? await connection.close()
            } catch where !Task.isCancelled {
                logger.warning("loa hub: cannot listen for other hub processes' alerts (\(error)); retrying in \(backoff)")
            } catch {}
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, Self.longestBackoff)
        }
    }

    /// Hands the alerts stored after `seen` to the feed, in seq order, and returns the highest seq now seen. The first
    /// time (`seen` nil) there is no telling what streams already read, so they are all sent to the store instead.
    private func catchUp(after seen: Int64?) async throws -> Int64 {
        guard var previous = seen else {
            let latest = try await store.latestAlertSeq()
            await feed.wakeToLookInStore()
            return latest
        }
        while true {
            let batch = try await store.alerts(afterSeq: previous, limit: 500)
            for stored in batch {
                // Seqs commit in order (addAlert locks the table), so nothing lies between `previous` and this one.
                await feed.publish(try PublishedAlert(stored, previous: previous))
                previous = stored.seq
            }
            if batch.count < 500 { return previous }
        }
    }
}

extension HubService {
    /// With PostgreSQL, follows the alerts other hub processes take (`PostgresAlertFollower`) until cancelled; with
    /// SQLite (one process only) there is nothing to follow and this returns at once.
    public func followOtherHubProcesses(logger: Logger = Logger(label: "loa-hub-alerts")) async {
        guard let postgres = store as? PostgresHubStore else { return }
        await PostgresAlertFollower(store: postgres, feed: alerting.feed, logger: logger).run()
    }
}
