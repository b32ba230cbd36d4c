import CSoxr
import Foundation

/// One file decoded in chunks and converted to the device format: channels mapped, resampled with libsoxr, one gain
/// applied, rounded to s16. Never holds more than a chunk of the file.
final class ItemStream {
    static let chunkFrames = 4096

    let url: URL
    let format: DeviceFormat
    let sourceRate: Int
    let sourceChannels: Int
    /// Frames this stream will produce at most (the item's cap), nil when uncapped.
    let maxFrames: Int?
    private(set) var framesOut = 0
    private(set) var capped = false

    private let file: SoundFile
    private let resampler: Resampler?
    private var scale: Float
    private var gainDB: Double
    /// Where a quick-start item's gain is heading (see `GainSteer`); nil: the gain is fixed.
    private let steer: GainSteer?
    private var ramped: [Float] = []
    /// Channels while resampling: mono→stereo is duplicated after resampling, stereo→mono downmixed before.
    private let workChannels: Int
    private var decoded: [Float] = []
    private var mixed: [Float] = []
    private var out: UnsafeMutablePointer<Int16>
    private var outCapacity: Int
    private var finished = false

    /// Peaks limited to the ceiling after the gain (see `LoudnessTarget.limitedGain`); nil: none needed.
    private let limiter: PeakLimiter?
    private var limited: [Float] = []

    init(url: URL, format: DeviceFormat, gainDB: Double, maxSeconds: Double?, steer: GainSteer? = nil,
         limitCeilingDBTP: Double? = nil) throws(AudioError) {
        self.url = url
        self.format = format
        self.gainDB = gainDB
        self.steer = steer
        let file = try SoundFile(readingFrom: url)
        try ItemStream.checkSupported(file)
        // WAV and FLAC headers state the length; 0 there means no audio at all.
        if file.headerFrames == 0 && (file.format == "wav" || file.format == "flac") {
            throw AudioError(.emptyAudio, subject: url.path)
        }
        self.file = file
        sourceRate = file.sampleRate
        sourceChannels = file.channels
        workChannels = min(file.channels, format.channels)
        resampler = file.sampleRate == format.sampleRate ? nil
            : try Resampler(from: file.sampleRate, to: format.sampleRate, channels: workChannels, subject: url.path)
        scale = Float(pow(10, gainDB / 20))
        // Sample peaks 1 dB under the true-peak ceiling: room for the peaks between samples.
        limiter = limitCeilingDBTP.map {
            PeakLimiter(channels: min(file.channels, format.channels), sampleRate: format.sampleRate,
                        ceiling: Float(pow(10, ($0 - 1) / 20)))
        }
        outCapacity = ItemStream.chunkFrames * 4 * format.channels
        out = .allocate(capacity: outCapacity)
        maxFrames = maxSeconds.map { max(0, Int(($0 * Double(format.sampleRate)).rounded(.down))) }
    }

    deinit { out.deallocate() }

    static func checkSupported(_ file: SoundFile) throws(AudioError) {
        if !DeviceFormat.supportedRates.contains(file.sampleRate) {
            throw AudioError(.unsupportedFormat, subject: file.path, library: .sndfile,
                             libraryMessage: "sample rate \(file.sampleRate) Hz (supported \(DeviceFormat.supportedRates))")
        }
        if !DeviceFormat.supportedChannels.contains(file.channels) {
            throw AudioError(.unsupportedFormat, subject: file.path, library: .sndfile,
                             libraryMessage: "\(file.channels) channels (supported: mono, stereo)")
        }
    }

    /// The next chunk of device frames (interleaved s16), or nil at the end. Valid until the next call.
    func next() throws(AudioError) -> UnsafeBufferPointer<Int16>? {
        while !finished {
            if let maxFrames, framesOut >= maxFrames { capped = true; finished = true; break }
            let got = try file.read(into: &decoded, frameCount: ItemStream.chunkFrames)
            let produced: Int
            if got == 0 {
                finished = true
                guard let resampler else {
                    if limiter == nil { break }
                    produced = emit(UnsafeBufferPointer(start: nil, count: 0), frames: 0, final: true)
                    if produced > 0 { return UnsafeBufferPointer(start: out, count: produced * format.channels) }
                    break
                }
                let tail = try resampler.flush()
                produced = emit(tail, frames: tail.count / workChannels, final: true)
            } else {
                let work = downmixIfNeeded(frames: got)
                if let resampler {
                    let res = try work.withUnsafeBufferPointer { (p) throws(AudioError) in
                        try resampler.process(p.baseAddress!, frames: got)
                    }
                    produced = emit(res, frames: res.count / workChannels)
                } else {
                    produced = work.withUnsafeBufferPointer { emit($0, frames: got) }
                }
            }
            if produced > 0 {
                return UnsafeBufferPointer(start: out, count: produced * format.channels)
            }
        }
        return nil
    }

    /// Stereo to mono for a mono device: the mean of both channels. Otherwise the decoded samples as they are.
    private func downmixIfNeeded(frames: Int) -> [Float] {
        guard sourceChannels == 2 && format.channels == 1 else { return decoded }
        if mixed.count < frames { mixed = [Float](repeating: 0, count: frames) }
        for i in 0 ..< frames { mixed[i] = (decoded[2 * i] + decoded[2 * i + 1]) * 0.5 }
        return mixed
    }

    /// Gain, s16 rounding with clipping, mono duplication, and the item's cap. Returns device frames written to `out`.
    private func emit(_ samples: UnsafeBufferPointer<Float>, frames: Int, final: Bool = false) -> Int {
        guard let limiter else { return convert(samples, frames: frames) }
        // Gain first, then the limiter (its output is `lookahead` frames late; the end flushes it).
        let count = frames * workChannels
        if ramped.count < count { ramped = [Float](repeating: 0, count: count) }
        for i in 0 ..< count { ramped[i] = samples[i] * scale }
        limited = ramped.withUnsafeBufferPointer {
            limiter.process(UnsafeBufferPointer(rebasing: $0[0 ..< count]), frames: frames, final: final)
        }
        return limited.withUnsafeBufferPointer { p in
            convert(p, frames: p.count / workChannels, scale: 1)
        }
    }

    private func convert(_ samples: UnsafeBufferPointer<Float>, frames: Int, scale fixedScale: Float? = nil) -> Int {
        var n = frames
        if let maxFrames { n = min(n, maxFrames - framesOut) }
        let devCh = format.channels
        if outCapacity < n * devCh {
            out.deallocate()
            outCapacity = n * devCh
            out = .allocate(capacity: outCapacity)
        }
        let o = out
        guard n > 0, let input = samples.baseAddress else { return 0 }
        if let fixedScale {
            loa_float_to_s16(input, o, n * workChannels, fixedScale * 32768)
        } else if let target = steer?.current, abs(target - gainDB) > 0.01 {
            // Toward the measured gain at a bounded rate, sample by sample: a smooth glide, no step.
            let most = GainSteer.slewDBPerSecond * Double(n) / Double(format.sampleRate)
            let next = gainDB + max(-most, min(most, target - gainDB))
            let from = scale, to = Float(pow(10, next / 20))
            let count = n * workChannels
            if ramped.count < count { ramped = [Float](repeating: 0, count: count) }
            let step = (to - from) / Float(n)
            for f in 0 ..< n {
                let g = from + step * Float(f + 1)
                for c in 0 ..< workChannels { ramped[f * workChannels + c] = input[f * workChannels + c] * g }
            }
            ramped.withUnsafeBufferPointer { loa_float_to_s16($0.baseAddress!, o, count, 32768) }
            gainDB = next; scale = to
        } else {
            loa_float_to_s16(input, o, n * workChannels, scale * 32768)
        }
        if workChannels != devCh {
            // Mono onto a stereo device: duplicate in place, from the end so nothing is overwritten before it is read.
            var i = n - 1
            while i >= 0 {
                let v = o[i]
                for c in 0 ..< devCh { o[i * devCh + c] = v }
                i -= 1
            }
        }
        framesOut += n
        return n
    }
}
