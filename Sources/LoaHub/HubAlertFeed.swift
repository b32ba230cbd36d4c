import Foundation
import LoaAlerts
import LoaCore

/// What the hub keeps in memory for alerts: who is waiting for the next one, which plan's stations and groups
/// alerts are mapped against, and which deliveries are still to be written down. One per process, shared by every
/// copy of its `HubService`.
public final class HubAlerting: Sendable {
    public let feed = AlertFeed()
    let roster = RosterCache()
    let deliveries: DeliveryRecorder
    /// How often an open stream gets a comment line, so proxies and the station see the connection alive.
    public let heartbeat: Duration

    public init(heartbeat: Duration = .seconds(15), deliveryFlush: Duration = .milliseconds(500)) {
        self.heartbeat = heartbeat
        deliveries = DeliveryRecorder(every: deliveryFlush)
    }
}

/// Wakes every open alert stream and long poll when an alert is accepted, and keeps the latest ones in memory, so a
/// fan-out to thousands of stations reads nothing from the store. A waiter subscribes before it reads the store, so
/// an alert stored between its read and its wait still wakes it.
public actor AlertFeed {
    /// `alert`: a new one is in memory; `heartbeat`: time for a comment line and a look at the store; `lookInStore`:
    /// the store may hold alerts memory cannot vouch for (another hub process's, after a lost notification).
    public enum Signal: Sendable { case alert, heartbeat, lookInStore }

    private var subscribers: [UUID: AsyncStream<Signal>.Continuation] = [:]
    /// The latest alerts this process took, in seq order.
    private var recent: [PublishedAlert] = []
    private let keep = 64

    public var count: Int { subscribers.count }

    /// A stream of signals; it ends when `unsubscribe` is called or its task is cancelled.
    func subscribe() -> (id: UUID, signals: AsyncStream<Signal>, continuation: AsyncStream<Signal>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(4))
        let id = UUID()
        subscribers[id] = continuation
        return (id, stream, continuation)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
    }

    func publish(_ alert: PublishedAlert) {
        // This process's own alerts come back from PostgreSQL's notifications too: once is enough.
        guard !recent.contains(where: { $0.alert.seq == alert.alert.seq }) else { return }
        let at = recent.firstIndex { $0.alert.seq > alert.alert.seq } ?? recent.endIndex
        recent.insert(alert, at: at)
        if recent.count > keep { recent.removeFirst(recent.count - keep) }
        for continuation in subscribers.values { continuation.yield(.alert) }
    }

    func wakeToLookInStore() {
        for continuation in subscribers.values { continuation.yield(.lookInStore) }
    }

    /// What `station` lacks after `after`, from memory: nil when memory cannot tell (an alert it does not hold may lie
    /// after `after`), and the store must be read.
    func pending(for station: String, after: Int64, now: Date) -> (alerts: [PublishedAlert], through: Int64)? {
        var cursor = after, out: [PublishedAlert] = []
        for published in recent where published.alert.seq > cursor {
            // `previous` is the last seq before this one: nothing lies between, so the chain from `cursor` is whole.
            guard published.previous <= cursor else { return nil }
            if published.targets.contains(station), published.stillMatters(at: now) { out.append(published) }
            cursor = published.alert.seq
        }
        return (out, cursor)
    }
}

/// An alert as the feed hands it out: its targets as a set and its SSE event already written.
struct PublishedAlert: Sendable {
    var alert: StationAlert
    var state: AlertState
    var targets: Set<String>
    /// The highest seq before this one in the store.
    var previous: Int64
    /// `id: SEQ`, `event: alert`, `data: JSON`, blank line.
    var event: String

    init(_ stored: StoredAlert, previous: Int64) throws {
        alert = stored.alert; state = stored.state; targets = Set(stored.targets); self.previous = previous
        event = try Self.sseEvent(stored.alert)
    }

    static func sseEvent(_ alert: StationAlert) throws -> String {
        "id: \(alert.seq)\nevent: alert\ndata: " + String(decoding: try StationAlert.encoder.encode(alert), as: UTF8.self) + "\n\n"
    }

    func stillMatters(at now: Date) -> Bool {
        StoredAlert(alert: alert, state: state, sent: "", targets: []).stillMatters(at: now)
    }
}

/// The plan the hub maps alerts against: its station ids, their groups and its time zone, read from the current
/// manifest's YAML files once per plan version (no audio is read).
actor RosterCache {
    struct Roster: Sendable {
        var version: String
        var stations: Set<String>
        var groups: [String: [String]]
        var timeZone: TimeZone

        /// The station ids a target reaches, sorted.
        func stations(for targets: [AlertTargetName]) -> [String] {
            var out = Set<String>()
            for t in targets {
                switch t {
                case .all: out.formUnion(stations)
                case .group(let g): out.formUnion(groups[g] ?? [])
                case .station(let id): out.insert(id)
                }
            }
            return out.sorted()
        }
    }

    private var cached: Roster?

    func roster(for version: String, load: @Sendable () throws -> Roster) rethrows -> Roster {
        if let cached, cached.version == version { return cached }
        let fresh = try load()
        cached = fresh
        return fresh
    }
}

/// A target as AlertOrder names it, without importing its enum's cases into the roster's signature.
enum AlertTargetName: Sendable, Hashable {
    case all, group(String), station(String)
}

/// Writes down "handed to the station" in batches: a fan-out to thousands of stations is one transaction, not
/// thousands, and the store's writer is not in the way of the streams reading it.
actor DeliveryRecorder {
    private var pending: [AlertDelivery] = []
    private var flushing = false
    private let every: Duration

    init(every: Duration) { self.every = every }

    func note(_ delivery: AlertDelivery, store: any AlertStore) {
        pending.append(delivery)
        guard !flushing else { return }
        flushing = true
        Task { await self.flush(store: store) }
    }

    private func flush(store: any AlertStore) async {
        try? await Task.sleep(for: every)
        flushing = false
        await flushNow(store: store)
    }

    /// Writes what is pending now (also before answering a status request).
    func flushNow(store: any AlertStore) async {
        let batch = pending
        pending = []
        // A lost mark only makes a station look not reached yet; the airing events are the evidence.
        if !batch.isEmpty { try? await store.markDelivered(batch) }
    }
}
