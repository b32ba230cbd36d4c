import CSoxr
import Foundation
import LoaL10n

/// What `PlaySession` pulls device frames from: a file (`ItemStream`) or a live source (`LiveStream`).
protocol FrameStream: AnyObject {
    /// The next chunk of device frames (interleaved s16), or nil at the end. Valid until the next call.
    func next() throws(AudioError) -> UnsafeBufferPointer<Int16>?
    var framesOut: Int { get }
    /// Ended at its `maxSeconds` cap rather than at its own end.
    var capped: Bool { get }
}

extension ItemStream: FrameStream {}

/// A relay on air: a `LiveFeed`'s frames converted to the device format (channels mapped, resampled with soxr),
/// leveled by a running short-term loudness (the gain glides at most 4 dB/s, and drops at once only to keep peaks
/// under −1 dBFS), paced by the clock (a file or null device does not keep time; a real one blocks first), for
/// the feed's length. A gap in the source is heard as silence for `grace` seconds, then the fallback fills it
/// (looped from its start) until `cushion` seconds of the source wait again: that span is an outage.
final class LiveStream: FrameStream {
    static let chunkFrames = 1024
    /// How far ahead of real time it may run: the device's buffer (1 s) is prefilled before the first sample.
    static let ahead = 1.25
    static let substituteAhead = 0.2
    static let grace = 1.0
    static let cushion = 0.3
    static let ceiling: Float = 0.891   // −1 dBFS
    static let gainRange = -12.0 ... 18.0

    let feed: LiveFeed
    let format: DeviceFormat
    private let rate: Int
    private let devCh: Int
    private let maxFrames: Int
    private let capAt: Int?
    private(set) var framesOut = 0
    private(set) var capped = false
    private var t0: MonotonicInstant?
    /// False only when measuring what a relay costs (`LiveDrain`): no clock, and a slow source is waited for.
    var realTime = true

    private var resampler: Resampler?
    private var resamplerRate = 0
    /// Source frames waiting, device channels and rate, from `head` on (dropped from the front in bulk).
    private var pending: [Float] = []
    private var head = 0
    private var waiting: Int { (pending.count - head) / devCh }
    private var mapped: [Float] = []

    private var onSource = true
    private var gapStart: Int?
    private var outageStart: Int?
    private var fault: Localized?

    private let meter: LoudnessMeter
    private let targetLUFS: Double
    private var gainDB = 0.0
    private var targetGainDB = 0.0
    private var sinceMeasure = 0
    private var ramped: [Float] = []
    private var decimated: [Float] = []

    private let fallbackGain: Double
    private var fallback: ItemStream?
    private var fallbackBroken = false
    private var fallbackLeft: [Int16] = []

    private let out: UnsafeMutablePointer<Int16>

    init(feed: LiveFeed, format: DeviceFormat, maxSeconds: Double?, startAt: MonotonicInstant?, targetLUFS: Double,
         fallbackGain: Double?) throws(AudioError) {
        self.feed = feed; self.format = format; self.targetLUFS = targetLUFS
        let rate = format.sampleRate
        self.rate = rate; devCh = format.channels
        let length = Int((feed.lengthSeconds * Double(rate)).rounded(.down))
        let cap = maxSeconds.map { max(0, Int(($0 * Double(rate)).rounded(.down))) }
        maxFrames = min(length, cap ?? length)
        capAt = cap.flatMap { $0 < length ? $0 : nil }
        t0 = startAt
        meter = try LoudnessMeter(channels: devCh, sampleRate: rate / 2, subject: feed.subject, shortTerm: true)
        self.fallbackGain = fallbackGain ?? 0
        fallbackBroken = feed.fallback == nil
        out = .allocate(capacity: Self.chunkFrames * devCh)
    }

    deinit {
        // Cut (an emergency, a stop) in the middle of an outage: it still counts.
        if outageStart != nil { endOutage() }
        out.deallocate()
    }

    func next() throws(AudioError) -> UnsafeBufferPointer<Int16>? {
        guard framesOut < maxFrames else {
            if outageStart != nil { endOutage() }
            capped = capAt != nil
            return nil
        }
        let n = min(Self.chunkFrames, maxFrames - framesOut)
        let want = n + Int(Self.cushion * Double(rate))
        try fill(upTo: want)
        // Silence and fallback are written at the pace they are heard: a source that is late (connecting, a
        // reconnect) is not taken for gone by running ahead, and when it is back it is heard without a second's
        // worth of fallback still queued before it.
        if realTime {
            pace(n, ahead: onSource && waiting >= n ? Self.ahead : Self.substituteAhead)
            try fill(upTo: want)
        } else {
            // Measuring: as fast as the source fills, never a substitute.
            while waiting < n && !feed.isClosed { usleep(200); try fill(upTo: want) }
        }
        let available = waiting
        var fromSource = 0
        if onSource {
            fromSource = min(n, available)
            if fromSource < n {
                let start = gapStart ?? framesOut
                gapStart = start
                if framesOut - start >= Int(Self.grace * Double(rate)) {
                    onSource = false; outageStart = start
                    fault = feed.currentFault
                }
            } else {
                gapStart = nil
            }
        } else {
            fault = feed.currentFault ?? fault
            if Double(available) >= Self.cushion * Double(rate) {
                endOutage()
                onSource = true; gapStart = nil; fallback = nil; fallbackLeft = []
                fromSource = n
            }
        }
        if fromSource > 0 { try level(frames: fromSource) }
        let rest = n - fromSource
        if rest > 0 {
            if onSource { (out + fromSource * devCh).initialize(repeating: 0, count: rest * devCh) } else {
                substitute(into: out + fromSource * devCh, frames: rest)
            }
        }
        feed.count(source: fromSource, substitute: rest, rate: rate)
        framesOut += n
        return UnsafeBufferPointer(start: out, count: n * devCh)
    }

    /// Waits until `n` more frames are due (at most `ahead` seconds before real time).
    private func pace(_ n: Int, ahead: Double) {
        let start = t0 ?? MonotonicInstant.now()
        t0 = start
        while true {
            let due = Int((MonotonicInstant.now().seconds(since: start) + ahead) * Double(rate))
            let short = framesOut + n - due
            if short <= 0 { return }
            usleep(UInt32(min(0.01, Double(short) / Double(rate)) * 1e6) + 100)
        }
    }

    /// Pulls the feed into `pending`, in device channels and rate, until `frames` wait or the feed is dry.
    private func fill(upTo frames: Int) throws(AudioError) {
        if head > 0 && head >= pending.count / 2 { pending.removeFirst(head); head = 0 }
        while waiting < frames, let chunk = feed.pull(maxFrames: 4096) {
            let count = chunk.samples.count / chunk.channels
            let ch = devCh
            if chunk.channels != ch {
                if mapped.count < count * ch { mapped = [Float](repeating: 0, count: count * ch) }
                chunk.samples.withUnsafeBufferPointer { src in
                    mapped.withUnsafeMutableBufferPointer { m in
                        for f in 0..<count {
                            if ch == 1 { m[f] = (src[2 * f] + src[2 * f + 1]) * 0.5 } else { m[2 * f] = src[f]; m[2 * f + 1] = src[f] }
                        }
                    }
                }
            }
            let source = chunk.channels == ch ? chunk.samples : mapped
            if chunk.rate == rate { pending.append(contentsOf: source[0..<(count * ch)]); continue }
            if resampler == nil || resamplerRate != chunk.rate {
                resampler = try Resampler(from: chunk.rate, to: rate, channels: ch, subject: feed.subject)
                resamplerRate = chunk.rate
            }
            let res = try source.withUnsafeBufferPointer { (p) throws(AudioError) in
                try resampler!.process(p.baseAddress!, frames: count)
            }
            pending.append(contentsOf: res)
        }
    }

    /// `frames` of the source from `pending` into `out`, through the meter and the gliding gain.
    private func level(frames: Int) throws(AudioError) {
        let count = frames * devCh
        // Measured at half the rate (pairs of frames averaged): the meter cost as much as the rest of the relay's
        // path, and a running estimate for riding the gain loses nothing that matters above 12 kHz.
        let half = frames / 2, ch = devCh, h = head
        if decimated.count < half * ch { decimated = [Float](repeating: 0, count: half * ch) }
        pending.withUnsafeBufferPointer { p in
            decimated.withUnsafeMutableBufferPointer { d in
                for f in 0..<half {
                    for c in 0..<ch {
                        let i = h + 2 * f * ch + c
                        d[f * ch + c] = (p[i] + p[i + ch]) * 0.5
                    }
                }
            }
        }
        if half > 0 {
            try decimated.withUnsafeBufferPointer { (p) throws(AudioError) in try meter.add(p.baseAddress!, frames: half) }
        }
        sinceMeasure += frames
        if sinceMeasure >= rate / 10 {
            sinceMeasure = 0
            let lufs = try meter.shortTermLUFS()
            // Silence or near it says nothing about the programme's level: hold the gain.
            if lufs.isFinite && lufs > -60 {
                feed.setLevel(lufs)
                targetGainDB = min(Self.gainRange.upperBound, max(Self.gainRange.lowerBound, targetLUFS - lufs))
            }
        }
        if ramped.count < count { ramped = [Float](repeating: 0, count: count) }
        let most = GainSteer.slewDBPerSecond * Double(frames) / Double(rate)
        var next = gainDB + max(-most, min(most, targetGainDB - gainDB))
        let from = Float(pow(10, gainDB / 20))
        pending.withUnsafeBufferPointer { p in
            var peak: Float = 0
            for i in h..<(h + count) { peak = max(peak, abs(p[i])) }
            if peak > 0 { next = min(next, Double(20 * log10(Self.ceiling / peak))) }
            let to = Float(pow(10, next / 20))
            let step = (to - from) / Float(frames)
            ramped.withUnsafeMutableBufferPointer { r in
                for f in 0..<frames {
                    let g = from + step * Float(f + 1)
                    for c in 0..<ch { r[f * ch + c] = p[h + f * ch + c] * g }
                }
            }
        }
        ramped.withUnsafeBufferPointer { loa_float_to_s16($0.baseAddress!, out, count, 32768) }
        gainDB = next
        head += count
    }

    /// The fallback's frames (looped), or silence when there is none or it cannot be read.
    private func substitute(into dest: UnsafeMutablePointer<Int16>, frames: Int) {
        var done = 0
        while done < frames {
            if fallbackLeft.isEmpty {
                guard let chunk = nextFallbackChunk() else { break }
                fallbackLeft = Array(chunk)
            }
            let take = min(frames - done, fallbackLeft.count / devCh)
            fallbackLeft.withUnsafeBufferPointer { (dest + done * devCh).update(from: $0.baseAddress!, count: take * devCh) }
            fallbackLeft.removeFirst(take * devCh)
            done += take
        }
        if done < frames { (dest + done * devCh).initialize(repeating: 0, count: (frames - done) * devCh) }
    }

    private func nextFallbackChunk() -> UnsafeBufferPointer<Int16>? {
        for _ in 0..<2 where !fallbackBroken {
            do throws(AudioError) {
                if fallback == nil {
                    fallback = try ItemStream(url: feed.fallback!, format: format, gainDB: fallbackGain, maxSeconds: nil)
                }
                if let chunk = try fallback!.next() { return chunk }
                fallback = nil   // its end: loop from the start
            } catch {
                fallbackBroken = true
            }
        }
        return nil
    }

    private func endOutage() {
        guard let start = outageStart else { return }
        outageStart = nil
        let reason = fault ?? Localized(vi: "nguồn không có âm thanh", en: "no sound from the source")
        feed.recordOutage(RelayOutage(offset: Double(start) / Double(rate),
                                      seconds: Double(framesOut - start) / Double(rate), reason: reason))
    }
}

/// A relay's whole path but the device (conversion, loudness, gain), pulled as fast as its feed fills: what airing
/// a relay costs, for `loa-bench`.
public final class LiveDrain {
    private let stream: LiveStream

    public init(feed: LiveFeed, format: DeviceFormat = .default, targetLUFS: Double = -16) throws(AudioError) {
        stream = try LiveStream(feed: feed, format: format, maxSeconds: nil, startAt: nil, targetLUFS: targetLUFS,
                                fallbackGain: nil)
        stream.realTime = false
    }

    /// Runs to the feed's length (or its close); `every` is called with the seconds done about each `period`.
    public func run(period: Double = 60, every: (Double) -> Void = { _ in }) throws(AudioError) -> Double {
        let rate = Double(stream.format.sampleRate)
        var next = period
        while try stream.next() != nil {
            let done = Double(stream.framesOut) / rate
            if done >= next { every(done); next += period }
        }
        return Double(stream.framesOut) / rate
    }
}
