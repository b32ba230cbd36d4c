import CEbur128

/// True peak per ITU-R BS.1770-4 Annex 2: 4× oversampling with the recommendation's 48-tap polyphase FIR (in the
/// C shim), then the largest magnitude, never below the sample peak.
final class TruePeakMeter {
    private static let history = 11

    let channels: Int
    /// Per channel: the last 11 samples of the previous chunk.
    private var work: [[Float]]
    private var peak: Float = 0
    /// One channel's history and chunk, contiguous, as the C filter wants it.
    private var buffer: [Float] = []

    init(channels: Int) {
        self.channels = channels
        work = Array(repeating: Array(repeating: 0, count: TruePeakMeter.history), count: channels)
    }

    /// Linear; 1.0 = 0 dBTP.
    var linearPeak: Float { peak }

    func add(_ samples: UnsafePointer<Float>, frames: Int) {
        let history = Self.history
        if buffer.count < history + frames { buffer += [Float](repeating: 0, count: history + frames - buffer.count) }
        for ch in 0 ..< channels {
            let p = peak
            let (tp, sp) = buffer.withUnsafeMutableBufferPointer { b -> (Float, Float) in
                let base = b.baseAddress!
                work[ch].withUnsafeBufferPointer { h in base.update(from: h.baseAddress!, count: history) }
                var samplePeak: Float = 0
                var src = samples + ch
                for i in 0 ..< frames {
                    let v = src.pointee
                    base[history + i] = v
                    samplePeak = max(samplePeak, abs(v))
                    src += channels
                }
                work[ch].withUnsafeMutableBufferPointer { h in h.baseAddress!.update(from: base + frames, count: history) }
                return (loa_true_peak_max(base, frames), samplePeak)
            }
            peak = max(p, tp, sp)
        }
    }
}
