import Foundation
import LoaCore

extension HubClient {
    /// Tells the hub what the station airs and its problems (`POST /api/v1/stations/ID/status`).
    public func report(station: String, status: StationStatus) async throws {
        _ = try await call(.POST, "/api/v1/stations/\(station)/status", body: try JSONEncoder().encode(status),
                           accept: [200])
    }
}

/// Decides when the station's status goes to the hub: when what it says changed (on air, next, problems, device,
/// log, plan; not the clock or the seconds elapsed) or, unchanged, every `every` seconds, so the hub's copy stays
/// fresh enough to trust.
struct StatusReporter: Sendable {
    var every: Double = 30
    private var lastSent: StationStatus?
    private var lastSentAt = Date.distantPast

    init(every: Double = 30) { self.every = every }

    /// The status with its clock readings blanked: two statuses that differ only there say the same.
    static func essence(_ status: StationStatus) -> StationStatus {
        var s = status
        s.at = ""
        s.now?.elapsedSeconds = 0
        s.log.lastSeq = 0
        return s
    }

    func isDue(_ status: StationStatus, now: Date) -> Bool {
        lastSent.map { Self.essence($0) != Self.essence(status) } ?? true || now.timeIntervalSince(lastSentAt) >= every
    }

    mutating func sent(_ status: StationStatus, at: Date) { lastSent = status; lastSentAt = at }
}

/// Wakes the hub link's loop early (a row was logged), or lets it sleep out its sweep interval. Signals that arrive
/// while the loop is busy are kept as one, so the loop runs once more and misses nothing.
final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var nextID = 0
    private var isStopped = false

    /// Once stopped, every wait returns at once.
    var stopped: Bool { lock.withLock { isStopped } }

    func stop() {
        lock.withLock { isStopped = true }
        signal()
    }

    /// Cheap and non-blocking: the engine calls it from its own thread while it holds the log.
    func signal() {
        lock.lock()
        if let w = waiter {
            waiter = nil
            lock.unlock()
            w.continuation.resume()
        } else {
            pending = true
            lock.unlock()
        }
    }

    /// Returns at the first signal since the last wait, or after `seconds`.
    func wait(seconds: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending || isStopped {
                pending = false
                lock.unlock()
                continuation.resume()
                return
            }
            nextID += 1
            let id = nextID
            waiter = (id, continuation)
            lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                lock.lock()
                guard let w = waiter, w.id == id else { lock.unlock(); return }
                waiter = nil
                lock.unlock()
                w.continuation.resume()
            }
        }
    }
}
