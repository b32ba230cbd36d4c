import Foundation
import LoaCore
import LoaLog

/// Where the engine's evidence goes: the SQLite `AiringLog` in production, memory in unit tests.
public protocol AiringRecorder: Sendable {
    /// Durable (committed and synced) before it returns.
    @discardableResult func append(_ event: AiringEvent) throws -> AiringEvent
    func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent]
    /// Every event of `station`, in log order.
    func events(station: String) throws -> [AiringEvent]
    /// The events of `station` whose `at` is `since` or later, in log order: what a start reads (not the whole log).
    func events(station: String, since: String) throws -> [AiringEvent]
    /// The last event of `station`.
    func lastEvent(station: String) throws -> AiringEvent?
}

extension AiringRecorder {
    public func events(station: String, since: String) throws -> [AiringEvent] {
        let from = Timestamp.parse(since) ?? .distantPast
        return try events(station: station).filter { (Timestamp.parse($0.at) ?? .distantFuture) >= from }
    }
    public func lastEvent(station: String) throws -> AiringEvent? { try events(station: station).last }
}

extension AiringLog: AiringRecorder {
    public func events(station: String) throws -> [AiringEvent] { try events(LogFilter(station: station)) }
    public func events(station: String, since: String) throws -> [AiringEvent] {
        try events(LogFilter(station: station, since: since))
    }
}

/// A recorder in memory, for tests and dry runs; it keeps the same airing rules as the real log.
public final class MemoryRecorder: AiringRecorder, @unchecked Sendable {
    private let rows = Locked<[AiringEvent]>([])
    public init() {}
    public var all: [AiringEvent] { rows.current }

    @discardableResult
    public func append(_ event: AiringEvent) throws -> AiringEvent {
        rows.withLock { rows in
            var e = event
            e.seq = Int64(rows.count + 1)
            rows.append(e)
            return e
        }
    }

    public func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent] {
        let open = rows.withLock { rows -> [AiringEvent] in
            var ended = Set<String>()
            for e in rows where e.kind.isEnding { ended.insert(e.airing) }
            return rows.filter { $0.kind == .started && !ended.contains($0.airing) }
        }
        return try open.map { s in
            var e = s
            e.at = at; e.kind = .interrupted; e.detail = detail; e.playedSeconds = nil
            return try append(e)
        }
    }

    public func events(station: String) throws -> [AiringEvent] { rows.current.filter { $0.station == station } }
}
