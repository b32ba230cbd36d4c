import CEbur128

/// True peak per ITU-R BS.1770-4 Annex 2: 4× oversampling with the recommendation's 48-tap polyphase FIR (in the
/// C shim), then the largest magnitude, never below the sample peak.
final class TruePeakMeter {
    private static let history = 11

    let channels: Int
    /// Per channel: the last 11 samples, then the current chunk.
    private var work: [[Float]]
    private var peak: Float = 0

    init(channels: Int) {
        self.channels = channels
        work = Array(repeating: Array(repeating: 0, count: TruePeakMeter.history), count: channels)
    }

    /// Linear; 1.0 = 0 dBTP.
    var linearPeak: Float { peak }

    func add(_ samples: UnsafePointer<Float>, frames: Int) {
        let history = Self.history
        for ch in 0 ..< channels {
            var buf = work[ch]
            work[ch] = []
            buf.reserveCapacity(history + frames)
            var samplePeak: Float = 0
            for i in 0 ..< frames {
                let v = samples[i * channels + ch]
                buf.append(v)
                samplePeak = max(samplePeak, abs(v))
            }
            let tp = buf.withUnsafeBufferPointer { loa_true_peak_max($0.baseAddress!, frames) }
            peak = max(peak, tp, samplePeak)
            buf.removeFirst(frames)
            work[ch] = buf
        }
    }
}
