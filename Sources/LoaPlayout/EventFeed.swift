import Foundation
import LoaCore
import LoaL10n

/// Every event the daemon logs, as it is logged, for whoever listens (the page's Server-Sent Events), plus what the
/// status needs from them: the airings open now, the last events, whether the log takes writes.
public final class EventFeed: Sendable {
    struct State {
        var listeners: [UUID: @Sendable (AiringEvent) -> Void] = [:]
        var open: [String: AiringEvent] = [:]
        var recent: [AiringEvent] = []
        var lastSeq: Int64 = 0
        var logFault: String?
    }
    private let state = Locked(State())
    /// How many recent events are kept in memory for the page.
    public static let recentLimit = 50

    public init() {}

    /// Calls `listener` with each event from now on, on the thread that logged it: keep it short.
    public func subscribe(_ listener: @escaping @Sendable (AiringEvent) -> Void) -> UUID {
        let id = UUID()
        state.withLock { $0.listeners[id] = listener }
        return id
    }

    public func unsubscribe(_ id: UUID) { _ = state.withLock { $0.listeners.removeValue(forKey: id) } }

    /// The airings started and not yet ended, oldest first.
    public var onAir: [AiringEvent] { state.withLock { Array($0.open.values) }.sorted { $0.seq < $1.seq } }
    public var recent: [AiringEvent] { state.current.recent }
    public var lastSeq: Int64 { state.current.lastSeq }
    /// Why the last write to the log failed, until one succeeds again.
    public var logFault: String? { state.current.logFault }

    func publish(_ event: AiringEvent) {
        let listeners = state.withLock { s -> [@Sendable (AiringEvent) -> Void] in
            if event.kind == .started { s.open[event.airing] = event } else { s.open[event.airing] = nil }
            s.recent.append(event)
            if s.recent.count > Self.recentLimit { s.recent.removeFirst(s.recent.count - Self.recentLimit) }
            s.lastSeq = max(s.lastSeq, event.seq)
            s.logFault = nil
            return Array(s.listeners.values)
        }
        for l in listeners { l(event) }
    }

    func failed(_ error: any Error) { state.withLock { $0.logFault = "\(error)" } }

    /// Seeds the open airings and recent events from the log as it was at start.
    func seed(_ past: [AiringEvent]) {
        state.withLock { s in
            for e in past {
                if e.kind == .started { s.open[e.airing] = e } else { s.open[e.airing] = nil }
            }
            s.recent = Array(past.suffix(Self.recentLimit))
            s.lastSeq = past.last?.seq ?? 0
        }
    }
}

/// A recorder that tells the feed about each event once the log has it.
final class FeedingRecorder: AiringRecorder {
    let inner: any AiringRecorder
    let feed: EventFeed
    init(_ inner: any AiringRecorder, feed: EventFeed) { self.inner = inner; self.feed = feed }

    @discardableResult func append(_ event: AiringEvent) throws -> AiringEvent {
        do {
            let logged = try inner.append(event)
            feed.publish(logged)
            return logged
        } catch {
            feed.failed(error)
            throw error
        }
    }

    func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent] {
        let closed = try inner.closeOpenAirings(at: at, detail: detail)
        for e in closed { feed.publish(e) }
        return closed
    }

    func events(station: String) throws -> [AiringEvent] {
        let all = try inner.events(station: station)
        feed.seed(all)
        return all
    }

    func lastEvent(station: String) throws -> AiringEvent? {
        let last = try inner.lastEvent(station: station)
        feed.seed(last.map { [$0] } ?? [])
        return last
    }

    func events(station: String, since: String) throws -> [AiringEvent] {
        let recent = try inner.events(station: station, since: since)
        if !recent.isEmpty { feed.seed(recent) }
        return recent
    }
}
