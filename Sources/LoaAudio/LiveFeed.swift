import Foundation
import LoaL10n
import Synchronization

/// A gap in a relay's source while it aired: from `offset` seconds after the relay's first sample, for `seconds`,
/// filled with the fallback audio (or silence); `reason` is the source's last fault ("stream down: …").
public struct RelayOutage: Sendable, Hashable {
    public var offset: Double
    public var seconds: Double
    public var reason: Localized
}

/// The hand-over between a live source (an HTTP stream's decoder, an ALSA capture) and the player: the source
/// pushes decoded frames at its own rate as they come, the player pulls them in real time for at most
/// `lengthSeconds`, leveled by a running loudness estimate, and fills a gap in the source with `fallback` (looped)
/// or silence. Thread-safe; made by the engine, put in a `PlayItem(live:)`, filled by the source's reader.
public final class LiveFeed: Sendable, Hashable {
    public let subject: String
    public let lengthSeconds: Double
    public let fallback: URL?
    /// Called on the audio thread when an outage ends (the source is back on air, or the relay ended in one).
    let onOutage: @Sendable (RelayOutage) -> Void

    struct Chunk { var samples: [Float]; var rate: Int; var channels: Int }
    struct State {
        var chunks: [Chunk] = []
        var chunkHead = 0
        /// Frames of the head chunk already pulled (a chunk is never copied but for what is taken).
        var headOffset = 0
        var bufferedSeconds = 0.0
        var fault: Localized?
        var closed = false
        var sourceFrames = 0
        var substituteFrames = 0
        var rate = 0
        var outages: [RelayOutage] = []
        var level: Double?
    }
    let state = Mutex(State())

    public init(subject: String, lengthSeconds: Double, fallback: URL?,
                onOutage: @escaping @Sendable (RelayOutage) -> Void = { _ in }) {
        self.subject = subject; self.lengthSeconds = lengthSeconds; self.fallback = fallback; self.onOutage = onOutage
    }

    public static func == (a: LiveFeed, b: LiveFeed) -> Bool { a === b }
    public func hash(into h: inout Hasher) { h.combine(ObjectIdentifier(self)) }

    // MARK: the source's side

    /// Decoded frames (interleaved Float32, any rate and 1 or 2 channels), in order.
    public func push(_ samples: [Float], rate: Int, channels: Int) {
        guard !samples.isEmpty, rate > 0, DeviceFormat.supportedChannels.contains(channels) else { return }
        state.withLock { s in
            guard !s.closed else { return }
            s.chunks.append(Chunk(samples: samples, rate: rate, channels: channels))
            s.bufferedSeconds += Double(samples.count / channels) / Double(rate)
        }
    }

    /// Seconds pushed and not yet pulled: a reader waits while this is high, so a fast source cannot fill memory.
    public var bufferedSeconds: Double { state.withLock { $0.bufferedSeconds } }

    /// The source failed (connection refused, stalled, device gone): the reason an outage will be logged with.
    public func fault(_ reason: Localized) { state.withLock { $0.fault = reason } }

    /// The source delivers again (connected, device back): no fault any more.
    public func recovered() { state.withLock { $0.fault = nil } }

    /// The player is done with the feed (the relay ended or was cut): readers stop.
    public func close() {
        state.withLock { $0.closed = true; $0.chunks = []; $0.chunkHead = 0; $0.headOffset = 0; $0.bufferedSeconds = 0 }
    }
    public var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: what aired

    /// Seconds of the source itself put on air so far (not the fallback, not silence).
    public var sourceSeconds: Double { state.withLock { $0.rate > 0 ? Double($0.sourceFrames) / Double($0.rate) : 0 } }
    /// Seconds of fallback audio or silence put on air in the source's place.
    public var substituteSeconds: Double {
        state.withLock { $0.rate > 0 ? Double($0.substituteFrames) / Double($0.rate) : 0 }
    }
    public var outages: [RelayOutage] { state.withLock { $0.outages } }
    /// The running (short-term) loudness of the source, LUFS; nil until measured.
    public var levelLUFS: Double? { state.withLock { $0.level } }

    /// Of `heard` seconds of the relay on air, those that were the source: what the log's `played_s` says.
    public func sourceSeconds(ofHeard heard: Double) -> Double { max(0, min(sourceSeconds, heard - substituteSeconds)) }

    // MARK: the player's side

    /// Takes up to `maxFrames` frames of the oldest chunk, in its own rate and channels; nil when none waits.
    func pull(maxFrames: Int) -> Chunk? {
        state.withLock { s in
            guard s.chunkHead < s.chunks.count else { return nil }
            let whole = s.chunks[s.chunkHead]
            let frames = whole.samples.count / whole.channels
            let take = min(maxFrames, frames - s.headOffset)
            let c = Chunk(samples: Array(whole.samples[(s.headOffset * whole.channels)..<((s.headOffset + take) * whole.channels)]),
                          rate: whole.rate, channels: whole.channels)
            s.headOffset += take
            if s.headOffset >= frames {
                // Freed as soon as it is taken whole: memory holds what waits, not what aired.
                s.chunks[s.chunkHead].samples = []
                s.chunkHead += 1; s.headOffset = 0
                if s.chunkHead > 64 { s.chunks.removeFirst(s.chunkHead); s.chunkHead = 0 }
            }
            s.bufferedSeconds = max(0, s.bufferedSeconds - Double(take) / Double(c.rate))
            return c
        }
    }

    func count(source: Int, substitute: Int, rate: Int) {
        state.withLock { $0.sourceFrames += source; $0.substituteFrames += substitute; $0.rate = rate }
    }

    func recordOutage(_ o: RelayOutage) {
        state.withLock { $0.outages.append(o) }
        onOutage(o)
    }

    var currentFault: Localized? { state.withLock { $0.fault } }
    func setLevel(_ lufs: Double) { state.withLock { $0.level = lufs } }
}
