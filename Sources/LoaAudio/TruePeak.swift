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
        // The true peak is never below the sample peak, and as the kernel's floor the sample peak lets it skip
        // every block that can't exceed it; the peak is the max over all channels, so one floor serves them all.
        var floor = max(peak, loa_abs_max(samples, frames * channels))
        for ch in 0 ..< channels {
            floor = buffer.withUnsafeMutableBufferPointer { b -> Float in
                let base = b.baseAddress!
                work[ch].withUnsafeBufferPointer { h in base.update(from: h.baseAddress!, count: history) }
                loa_deinterleave(samples, channels, ch, frames, base + history)
                work[ch].withUnsafeMutableBufferPointer { h in h.baseAddress!.update(from: base + frames, count: history) }
                return max(floor, loa_true_peak_max(base, frames, floor))
            }
        }
        peak = floor
    }

    /// The filter alone over `x` (11 samples of history, then the outputs' inputs): the fast kernel with `floor`,
    /// or the plain reference definition; both folded with `floor`. For tests.
    static func kernelPeak(_ x: [Float], floor: Float, reference: Bool) -> Float {
        precondition(x.count > history)
        let outputs = x.count - history
        return x.withUnsafeBufferPointer { p in
            max(floor, reference ? loa_true_peak_reference(p.baseAddress!, outputs)
                                 : loa_true_peak_max(p.baseAddress!, outputs, floor))
        }
    }
}
