import Foundation
import Synchronization

/// One thing to air in a sequence.
public struct PlayItem: Sendable, Hashable {
    public var url: URL
    /// Gain in dB; nil = automatic: reach the player's target loudness without true peak above its limit.
    public var gainDB: Double?
    /// Hard cap in seconds (e.g. the slot's end); the item is cut there and ends `.stopped`.
    public var maxSeconds: Double?
    /// New audio that must air at once (an emergency bulletin): with an automatic gain and a loudness not yet
    /// known, start from a measurement of its first seconds and move smoothly to the whole file's figure, measured
    /// while it airs, instead of measuring all of it first.
    public var quickStart: Bool
    /// A live source (a relay) instead of the file: `url` then only names it. Leveled as it airs.
    public var live: LiveFeed?

    public init(url: URL, gainDB: Double? = nil, maxSeconds: Double? = nil, quickStart: Bool = false) {
        self.url = url; self.gainDB = gainDB; self.maxSeconds = maxSeconds; self.quickStart = quickStart
    }

    /// A relay: `feed` for its length, cut at `maxSeconds` if that comes first.
    public init(live feed: LiveFeed, maxSeconds: Double? = nil) {
        self.init(url: URL(string: feed.subject) ?? URL(fileURLWithPath: feed.subject), maxSeconds: maxSeconds)
        live = feed
    }
}

public enum PlayOutcome: Sendable, Hashable {
    /// Played to its end.
    case finished
    /// Cut by `stop()` or by its `maxSeconds` cap. Also an item announced with `.willStart` that a stop kept off
    /// the air (then `playedSeconds` is 0).
    case stopped
    /// Could not be played (bad file, device gone for good); `playedSeconds` says how much aired before.
    case failed(AudioError)
    /// Never announced: a stop came first.
    case skipped
}

public struct ItemResult: Sendable, Hashable {
    public typealias Outcome = PlayOutcome
    public var outcome: PlayOutcome
    public var playedSeconds: Double
    /// When the item's first sample was heard (delay arithmetic on the device's status); nil if it never aired.
    public var firstSampleAt: MonotonicInstant?

    public init(outcome: PlayOutcome, playedSeconds: Double = 0, firstSampleAt: MonotonicInstant? = nil) {
        self.outcome = outcome; self.playedSeconds = playedSeconds; self.firstSampleAt = firstSampleAt
    }
}

public enum PlayEvent: Sendable {
    /// The item's first sample is about to be handed to the device (not yet heard); `airsAt` is when it will be.
    case willStart(index: Int, airsAt: MonotonicInstant)
    case ended(index: Int, ItemResult)
    case deviceLost(AudioError)
    case deviceBack
}

/// Plays sequences of files as one continuous stream on an ALSA PCM or into a WAV file.
/// `play` blocks its caller's thread; `stop` may be called from any thread.
public final class Player: Sendable {
    public let format: DeviceFormat
    public let loudness: LoudnessTarget
    /// Where loudness measurements are cached; nil measures every time.
    public let cache: MediaInfoCache?
    /// Retry delays after the device vanishes; the last one repeats until `reconnectGiveUpSeconds` have passed.
    public let reconnectDelays: [Double]
    public let reconnectGiveUpSeconds: Double

    /// The ALSA PCM name or the recording's path.
    public let subject: String
    private let openSink: @Sendable () throws(AudioError) -> any AudioSink
    private let sink: Mutex<SinkHolder>
    /// Down-mix loudness of stereo content for a mono device, by content hash (measured once per process).
    private let downmixes = Mutex<[String: Loudness]>([:])
    let stopRequested = Atomic<Bool>(false)
    /// Rung by `stop()`: ends the device thread's current wait.
    let bell: StopBell
    /// Keeps the device open between plays, writing silence (`DeviceStandby.swift`).
    public let standby: Bool
    let opens = Atomic<Int>(0)
    /// Bumped by every play and `close`: the standby thread of an older generation ends at its next tick.
    let standbyGeneration = Atomic<Int>(0)
    let standbyObserver = Mutex<(@Sendable (PlayEvent) -> Void)?>(nil)

    final class SinkHolder: @unchecked Sendable {
        var sink: (any AudioSink)?
        var standby = StandbyState()
        deinit { sink?.close() }
    }

    /// An ALSA PCM by name ("default", "hw:0,0", "null", "file:'/tmp/x.wav',wav", …), opened on first `play`.
    /// `standby`: kept open after each play, fed silence until the next (see `DeviceStandby.swift`); `close()` ends it.
    public convenience init(device: String, format: DeviceFormat = .default, loudness: LoudnessTarget = .default,
                            cache: MediaInfoCache? = MediaInfoCache(), standby: Bool = false) {
        let bell = StopBell()
        self.init(subject: device, format: format, loudness: loudness, cache: cache, standby: standby,
                  bell: bell) { () throws(AudioError) in
            try AlsaSink(device: device, format: format, bell: bell)
        }
    }

    /// Records what would air into a 16-bit WAV (created on first `play`, kept open and appended to by later plays).
    public convenience init(recordingTo url: URL, format: DeviceFormat = .default,
                            loudness: LoudnessTarget = .default, cache: MediaInfoCache? = MediaInfoCache()) {
        self.init(subject: url.path, format: format, loudness: loudness, cache: cache) { () throws(AudioError) in
            try WavFileSink(url: url, format: format)
        }
    }

    init(subject: String, format: DeviceFormat, loudness: LoudnessTarget, cache: MediaInfoCache?,
         reconnectDelays: [Double] = [0.1, 0.25, 0.5, 1, 2, 5], reconnectGiveUpSeconds: Double = 60,
         standby: Bool = false, bell: StopBell = StopBell(),
         open: @escaping @Sendable () throws(AudioError) -> any AudioSink) {
        self.subject = subject
        self.bell = bell
        self.format = format
        self.loudness = loudness
        self.cache = cache
        self.reconnectDelays = reconnectDelays
        self.reconnectGiveUpSeconds = reconnectGiveUpSeconds
        openSink = open
        self.standby = standby
        sink = Mutex(SinkHolder())
    }

    /// Cuts the current play within a period (≤ 20 ms by default): the buffer is dropped, not drained.
    public func stop() { stopRequested.store(true, ordering: .sequentiallyConsistent); bell.ring() }

    /// Closes the device (or finishes the recording). A later `play` opens it again.
    public func close() {
        standbyGeneration.add(1, ordering: .sequentiallyConsistent)
        sink.withLock { $0.sink?.close(); $0.sink = nil; $0.standby = StandbyState() }
    }

    func withSinkHolder<T>(_ body: (SinkHolder) -> T) -> T { sink.withLock { body($0) } }

    /// Plays `items` back to back with no samples between them, the first sample at `startingAt` (nil = as soon as
    /// the buffer is filled). Blocks until the last sample was heard or `stop()`; one play at a time per player.
    @discardableResult
    public func play(_ items: [PlayItem], startingAt deadline: MonotonicInstant? = nil,
                     observer: @escaping @Sendable (PlayEvent) -> Void = { _ in }) -> [ItemResult] {
        standbyGeneration.add(1, ordering: .sequentiallyConsistent)
        return sink.withLock { holder in
            // Cleared under the lock, so a play waiting for the device cannot swallow a stop meant for the one on air.
            stopRequested.store(false, ordering: .sequentiallyConsistent)
            bell.silence()
            leaveStandby(holder)
            var session = PlaySession(player: self, holder: holder, items: items, deadline: deadline,
                                      observer: observer)
            let results = session.run()
            enterStandby(holder)
            return results
        }
    }

    func openDevice() throws(AudioError) -> any AudioSink {
        let sink = try openSink()
        opens.add(1, ordering: .relaxed)
        return sink
    }

    /// Measures now what an automatic gain for `url` will need (its loudness, kept in the cache), so that airing it
    /// later starts on time: otherwise the first airing of new content measures the whole file between its cue and
    /// its first sample. Without a cache there is nowhere to keep it, so nothing is done.
    public func prepare(_ url: URL) throws(AudioError) {
        guard let cache else { return }
        let analysis = try cache.analysis(of: url)
        cache.save()
        if analysis.info.channels == 2 && format.channels == 1 { _ = try downmix(url, sha256: analysis.sha256) }
    }

    /// A stereo item on a mono device is leveled from what airs: its down-mix.
    private func downmix(_ url: URL, sha256: String?) throws(AudioError) -> Loudness {
        if let sha256, let known = downmixes.withLock({ $0[sha256] }) { return known }
        let measured = try LoudnessAnalyzer.measureDownmix(url)
        if let sha256 { downmixes.withLock { $0[sha256] = measured } }
        return measured
    }

    /// The gain an item gets: its own, or the automatic one from its (cached) loudness.
    func gain(for item: PlayItem) throws(AudioError) -> Double {
        if let gain = item.gainDB { return gain }
        let measured: Loudness
        let channels: Int
        var sha256: String?
        if let cache {
            let analysis = try cache.analysis(of: item.url)
            measured = analysis.loudness
            channels = analysis.info.channels
            sha256 = analysis.sha256
        } else {
            measured = try LoudnessAnalyzer.measure(item.url)
            channels = try SoundFile(readingFrom: item.url).channels
        }
        if channels == 2 && format.channels == 1 {
            return loudness.gainDB(for: try downmix(item.url, sha256: sha256))
        }
        return loudness.gainDB(for: measured, sourceChannels: channels, deviceChannels: format.channels)
    }
}
