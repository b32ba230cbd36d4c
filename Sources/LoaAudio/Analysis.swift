import Foundation

/// Everything `loa audio analyze` prints about one file.
public struct AudioAnalysis: Sendable, Hashable {
    public var url: URL
    public var sha256: String
    public var info: AudioInfo
    public var loudness: Loudness
}

public enum LoudnessAnalyzer {
    /// Integrated loudness and true peak of the whole file at its own rate and channels (mono counts as one
    /// channel, as BS.1770 measures a file). Streams the file; never holds more than a chunk.
    public static func measure(_ url: URL) throws(AudioError) -> Loudness {
        try measure(SoundFile(readingFrom: url)).loudness
    }

    /// Loudness and the decoded length in one pass over an open file.
    static func measure(_ file: SoundFile) throws(AudioError) -> (loudness: Loudness, frames: Int64) {
        try ItemStream.checkSupported(file)
        let meter = try LoudnessMeter(channels: file.channels, sampleRate: file.sampleRate, subject: file.path)
        var buffer: [Float] = []
        var total: Int64 = 0
        while true {
            let got = try file.read(into: &buffer, frameCount: 65_536)
            if got == 0 { break }
            total += Int64(got)
            try buffer.withUnsafeBufferPointer { (p) throws(AudioError) in try meter.add(p.baseAddress!, frames: got) }
        }
        if total == 0 { throw AudioError(.emptyAudio, subject: file.path) }
        return (try meter.result(), total)
    }

    /// What a first analysis needs, in one decode: the facts `AudioProbe` gives (the length counted while measuring
    /// where the header can't be trusted, e.g. MP3, which would otherwise be decoded twice) and the loudness.
    static func analyze(_ url: URL) throws(AudioError) -> (info: AudioInfo, loudness: Loudness) {
        let file = try SoundFile(readingFrom: url)
        let (loudness, decoded) = try measure(file)
        let frames = AudioProbe.headerLengthIsTrusted(file) ? file.headerFrames : decoded
        return (AudioInfo(frames: frames, sampleRate: file.sampleRate, channels: file.channels, format: file.format),
                loudness)
    }
}

extension MediaInfoCache {
    /// Facts including loudness, measuring (once per content) what the cache lacks. Content the cache has never
    /// seen is probed and measured in a single decode.
    public func analysis(of url: URL) throws(AudioError) -> AudioAnalysis {
        var facts = try facts(of: url) { (u) throws(AudioError) in
            let first = try LoudnessAnalyzer.analyze(u)
            return (first.info, first.loudness)
        }
        if facts.loudness == nil {
            let loudness = try LoudnessAnalyzer.measure(url)
            record(loudness: loudness, forSHA256: facts.sha256)
            facts.loudness = loudness
        }
        return AudioAnalysis(url: url, sha256: facts.sha256, info: facts.info, loudness: facts.loudness!)
    }
}

extension LoudnessTarget {
    /// Gain for an item as it airs on a device with `deviceChannels`: a mono file duplicated onto two channels
    /// sounds 3 dB louder than BS.1770 measures it as a file (dual mono), so that is taken off.
    public func gainDB(for loudness: Loudness, sourceChannels: Int, deviceChannels: Int) -> Double {
        guard sourceChannels == 1 && deviceChannels == 2 else { return gainDB(for: loudness) }
        let dualMono = 10 * log10(2.0)
        return gainDB(for: Loudness(integratedLUFS: loudness.integratedLUFS + dualMono,
                                    truePeakDBTP: loudness.truePeakDBTP))
    }
}

/// The playout conversion without a device: decode, map channels, resample, gain, s16 — for previews and benches.
public enum AudioPipeline {
    /// Feeds `each` with the file's audio in `format`, chunk by chunk; returns the number of device frames.
    @discardableResult
    public static func convert(_ url: URL, to format: DeviceFormat = .default, gainDB: Double = 0,
                               each: (UnsafeBufferPointer<Int16>) -> Void = { _ in }) throws(AudioError) -> Int {
        let stream = try ItemStream(url: url, format: format, gainDB: gainDB, maxSeconds: nil)
        while let chunk = try stream.next() { each(chunk) }
        return stream.framesOut
    }
}
