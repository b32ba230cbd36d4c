import Foundation
import LoaLog

/// What the engine hands the audio engine: contract D's `PlayItem`, kept here so the engine's logic is tested with
/// a fake sink and driven in production by `PlayerSink` (LoaAudio's `Player`).
public struct SinkItem: Sendable, Hashable {
    public var url: URL
    /// nil = automatic gain to the target loudness.
    public var gainDB: Double?
    /// Hard cap in seconds (the slot's end, or a pre-emption boundary).
    public var maxSeconds: Double?
    public init(url: URL, gainDB: Double? = nil, maxSeconds: Double? = nil) {
        self.url = url; self.gainDB = gainDB; self.maxSeconds = maxSeconds
    }
}

/// Why an item did not play. `device` problems (no card, device gone) are the station's, not the file's: the
/// engine logs what they cost as `missed` and keeps retrying; `media` problems fail that one item.
public struct SinkFailure: Error, Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case device, media }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
}

public enum SinkOutcome: Sendable, Hashable {
    case finished, stopped, failed(SinkFailure), skipped
}

public struct SinkResult: Sendable, Hashable {
    public var outcome: SinkOutcome
    public var playedSeconds: Double
    /// CLOCK_MONOTONIC nanoseconds of the first sample, when it played.
    public var firstSampleAt: UInt64?
    public init(outcome: SinkOutcome, playedSeconds: Double, firstSampleAt: UInt64? = nil) {
        self.outcome = outcome; self.playedSeconds = playedSeconds; self.firstSampleAt = firstSampleAt
    }
}

public enum SinkEvent: Sendable {
    /// Before the item's first sample reaches the device; the engine logs `started` durably inside this callback.
    case willStart(index: Int, airsAt: UInt64?)
    case ended(index: Int, SinkResult)
    case deviceLost(SinkFailure)
    case deviceBack
}

/// The audio output the engine drives. `play` blocks until every item ended (or was skipped after `stop`).
public protocol PlayoutSink: Sendable {
    func play(_ items: [SinkItem], startingAt: UInt64?, observer: @escaping @Sendable (SinkEvent) -> Void)
        -> [SinkResult]
    /// From any thread: cut within 100 ms; the current item ends `.stopped`, later ones `.skipped`.
    func stop()
    /// The content hash the log records as `audio_sha256` (LoaAudio's hash of the file aired).
    func contentHash(of url: URL) throws -> String
    /// Does ahead of time what airing `url` needs before its first sample (measuring a file never aired), so the
    /// airing starts on its instant. Blocks the caller; a file that can't be read is left for the airing to report.
    func prepare(_ url: URL)
}

extension PlayoutSink {
    public func prepare(_ url: URL) {}
}

/// Where the engine's evidence goes: contract C's `AiringLog` in production, memory in unit tests.
public protocol AiringRecorder: Sendable {
    /// Durable (committed and synced) before it returns.
    @discardableResult func append(_ event: AiringEvent) throws -> AiringEvent
    func closeOpenAirings(at: String, detail: String) throws -> [AiringEvent]
    /// Every event of `station`, in log order.
    func events(station: String) throws -> [AiringEvent]
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
