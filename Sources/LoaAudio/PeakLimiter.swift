import Foundation

extension LoudnessTarget {
    /// Most a limiter may take off peaks to let a file reach the target; past it the gain is lowered instead.
    public static let maxLimitingDB = 12.0

    /// The gain for an item and how much its peaks must be limited to stay under the ceiling at that gain (0: no
    /// limiting). A file whose true peak would otherwise cap its gain (a peaky file airing 10 LU under target)
    /// reaches the target with its peaks limited, up to `maxLimitingDB`.
    public func limitedGain(for loudness: Loudness) -> (gainDB: Double, limitDB: Double) {
        guard loudness.integratedLUFS.isFinite else { return (0, 0) }
        let wanted = targetLUFS - loudness.integratedLUFS
        guard loudness.truePeakDBTP.isFinite else { return (wanted, 0) }
        let over = loudness.truePeakDBTP + wanted - maxTruePeakDBTP
        if over <= 0 { return (wanted, 0) }
        let limit = min(over, Self.maxLimitingDB)
        return (wanted - (over - limit), limit)
    }
}

/// A look-ahead peak limiter: every sample leaves at or under `ceiling` (linear), the gain coming down smoothly
/// before a peak arrives (the output is `lookahead` frames late) and going back up slowly after it.
///
/// Gain: `m[n]` = the least gain any frame in the next `lookahead` frames needs, with a bounded release; the applied
/// gain is the mean of the last `lookahead` values of `m`, so at a peak every averaged value already allows it.
final class PeakLimiter {
    let channels: Int
    let lookahead: Int
    private let ceiling: Float
    private let releasePerFrame: Float
    /// The last `lookahead` frames (interleaved) and the gain each needs, in rings; `arrived` counts frames in.
    private var frames: [Float]
    private var needs: [Float]
    private var arrived = 0
    private var left = 0
    /// Sliding minimum of `needs` over the look-ahead: frame numbers whose needs increase.
    private var minQueue: [Int] = []
    private var minHead = 0
    private var released: Float = 1
    private var history: [Double]
    private var historySum: Double
    private var historyIndex = 0

    init(channels: Int, sampleRate: Int, ceiling: Float, lookaheadSeconds: Double = 0.005, releaseSeconds: Double = 0.15) {
        self.channels = channels
        lookahead = max(1, Int(lookaheadSeconds * Double(sampleRate)))
        self.ceiling = ceiling
        releasePerFrame = Float(1 / (releaseSeconds * Double(sampleRate)))
        frames = [Float](repeating: 0, count: lookahead * channels)
        needs = [Float](repeating: 1, count: lookahead)
        history = [Double](repeating: 1, count: lookahead)
        historySum = Double(lookahead)
    }

    /// Takes `count` frames; returns the frames that leave now (and all that are left when `final`).
    func process(_ input: UnsafeBufferPointer<Float>, frames count: Int, final: Bool) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity((count + (final ? lookahead : 0)) * channels)
        for f in 0 ..< count {
            // The ring is full: the oldest frame leaves before its slot is reused (its window is the L frames
            // from it to the newest, this one excluded; the newest joins right after).
            if arrived - left == lookahead { leave(into: &out) }
            let slot = arrived % lookahead
            var peak: Float = 0
            for c in 0 ..< channels {
                let v = input[f * channels + c]
                frames[slot * channels + c] = v
                peak = max(peak, abs(v))
            }
            let need = peak > ceiling ? ceiling / peak : 1
            needs[slot] = need
            // Frames that left are out of every window (and their ring slots are being reused).
            while minQueue.count > minHead, minQueue[minHead] < left { minHead += 1 }
            while minQueue.count > minHead, let last = minQueue.last, needs[last % lookahead] >= need {
                minQueue.removeLast()
            }
            minQueue.append(arrived)
            arrived += 1
        }
        if final { while left < arrived { leave(into: &out) } }
        if minHead > 4096 { minQueue.removeFirst(minHead); minHead = 0 }
        return out
    }

    private func leave(into out: inout [Float]) {
        while minQueue.count > minHead, minQueue[minHead] < left { minHead += 1 }
        let windowMin = minQueue.count > minHead ? needs[minQueue[minHead] % lookahead] : 1
        released = min(windowMin, released + releasePerFrame)
        if left == 0 {
            // Before the stream, as if the first window had always been there: a peak in the first frames is covered.
            history = [Double](repeating: Double(released), count: lookahead)
            historySum = Double(released) * Double(lookahead)
        }
        historySum += Double(released) - history[historyIndex]
        history[historyIndex] = Double(released)
        historyIndex = (historyIndex + 1) % lookahead
        // Every averaged value allows this frame's peak (the sum is kept in Double: in Float it drifted over a file).
        let gain = min(Float(historySum / Double(lookahead)), 1)
        let slot = left % lookahead
        for c in 0 ..< channels { out.append(frames[slot * channels + c] * gain) }
        left += 1
    }
}
