import Foundation
import Synchronization

/// The gain an airing item moves to while it plays: set once the whole file has been measured (on another thread),
/// approached smoothly by the item's stream, never jumped to.
final class GainSteer: Sendable {
    private let target = Mutex<Double?>(nil)
    /// dB per second the gain may move: a 2 dB correction takes about half a second, heard as no step.
    static let slewDBPerSecond = 4.0

    func set(_ gainDB: Double) { target.withLock { $0 = gainDB } }
    var current: Double? { target.withLock { $0 } }
}

extension LoudnessAnalyzer {
    /// Loudness of the first `seconds` of a file (gated, as BS.1770 measures a programme): a bulletin's first
    /// seconds are decoded in a few milliseconds, where the whole of a 3-minute MP3 takes a fifth of a second.
    static func estimate(_ url: URL, seconds: Double) throws(AudioError) -> Loudness {
        let file = try SoundFile(readingFrom: url)
        try ItemStream.checkSupported(file)
        let meter = try LoudnessMeter(channels: file.channels, sampleRate: file.sampleRate, subject: file.path)
        var buffer: [Float] = []
        var left = Int(seconds * Double(file.sampleRate)), total = 0
        while left > 0 {
            let got = try file.read(into: &buffer, frameCount: min(left, 16_384))
            if got == 0 { break }
            total += got; left -= got
            try buffer.withUnsafeBufferPointer { (p) throws(AudioError) in try meter.add(p.baseAddress!, frames: got) }
        }
        if total == 0 { throw AudioError(.emptyAudio, subject: file.path) }
        return try meter.result()
    }
}

extension Player {
    /// Seconds of a new file measured before it airs (`PlayItem.quickStart`).
    static let quickEstimateSeconds = 3.0
    /// How long after a quick start the whole file starts being measured.
    static let wholeFileDelaySeconds = 1.0

    /// The starting gain of an item and, for a quick-start item whose loudness is not known yet, the steer that the
    /// whole-file measurement (started here, on its own thread) sets when it is done.
    func leveling(for item: PlayItem) throws(AudioError) -> (gainDB: Double, steer: GainSteer?, limit: Double?) {
        guard item.quickStart, item.gainDB == nil, let cache, !cache.knowsLoudness(of: item.url) else {
            if item.gainDB == nil, let planned = try limitedGain(for: item) {
                return (planned.gainDB, nil, planned.limitDB > 0 ? loudness.maxTruePeakDBTP : nil)
            }
            return (try gain(for: item), nil, nil)
        }
        let channels = try SoundFile(readingFrom: item.url).channels
        let deviceChannels = format.channels
        // The start only: on a mono device the whole-file figure below is the down-mix's, and the glide covers it.
        let first = try LoudnessAnalyzer.estimate(item.url, seconds: Self.quickEstimateSeconds)
        let steer = GainSteer()
        let target = loudness
        let url = item.url
        // Not the player itself: the thread may outlive it, and the last reference would close its device here.
        let thread = Thread {
            // Not at once: the bulletin's first sample (and, on a box or a bench with many stations, theirs) comes
            // first; the glide starts from the estimate a second later.
            Thread.sleep(forTimeInterval: Self.wholeFileDelaySeconds)
            // The exact figure, as every later airing will use it (and cached for them).
            guard let analysis = try? cache.analysis(of: url) else { return }
            let source = analysis.info.channels
            if source == 2 && deviceChannels == 1 {
                guard let mono = try? LoudnessAnalyzer.measureDownmix(url) else { return }
                steer.set(target.gainDB(for: mono))
            } else {
                steer.set(target.gainDB(for: analysis.loudness, sourceChannels: source, deviceChannels: deviceChannels))
            }
        }
        thread.start()
        return (target.gainDB(for: first, sourceChannels: channels, deviceChannels: deviceChannels), steer, nil)
    }

    /// The gain with peak limiting for a file whose true peak would keep it under the target (nil when that does
    /// not apply: a mono device's down-mix, or a mono file on two channels, keep the plain gain).
    func limitedGain(for item: PlayItem) throws(AudioError) -> (gainDB: Double, limitDB: Double)? {
        guard let cache else { return nil }
        let analysis = try cache.analysis(of: item.url)
        guard analysis.info.channels == format.channels else { return nil }
        return loudness.limitedGain(for: analysis.loudness)
    }
}

extension MediaInfoCache {
    /// Whether the loudness of `url`'s content is already known (a `stat` for a file seen before, else a hash).
    func knowsLoudness(of url: URL) -> Bool {
        guard let sha = try? sha256(of: url) else { return false }
        return knownLoudness(sha256: sha) != nil
    }
}
