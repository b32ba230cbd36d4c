import CEbur128
import Foundation

/// The station's loudness policy: every item is brought to `targetLUFS` unless that would push its true peak above
/// `maxTruePeakDBTP`, in which case the gain is lowered instead (never clip).
public struct LoudnessTarget: Sendable, Hashable {
    public var targetLUFS: Double
    public var maxTruePeakDBTP: Double

    public init(targetLUFS: Double = -16, maxTruePeakDBTP: Double = -1) {
        self.targetLUFS = targetLUFS; self.maxTruePeakDBTP = maxTruePeakDBTP
    }

    public static let `default` = LoudnessTarget()

    /// The one gain (dB) to apply to an item measured as `loudness`. Silence gets 0 dB: there is nothing to level.
    public func gainDB(for loudness: Loudness) -> Double {
        guard loudness.integratedLUFS.isFinite else { return 0 }
        var gain = targetLUFS - loudness.integratedLUFS
        if loudness.truePeakDBTP.isFinite { gain = min(gain, maxTruePeakDBTP - loudness.truePeakDBTP) }
        return gain
    }
}

/// libebur128 state fed chunk by chunk with interleaved Float32 frames.
final class LoudnessMeter {
    private let state: UnsafeMutablePointer<ebur128_state>
    let channels: Int
    /// Nil for a running meter: a live source's gain watches sample peaks, and 4× oversampling costs more than the
    /// rest of its path.
    private let truePeak: TruePeakMeter?

    let subject: String

    /// `shortTerm`: a running meter for live sources (`shortTermLUFS()`), instead of a whole file's integrated one.
    init(channels: Int, sampleRate: Int, subject: String, shortTerm: Bool = false) throws(AudioError) {
        self.subject = subject
        // True peak is measured by TruePeakMeter: libebur128's costs six times the rest of the analysis.
        let mode = Int32(shortTerm ? EBUR128_MODE_S.rawValue : EBUR128_MODE_I.rawValue)
        guard let st = ebur128_init(UInt32(channels), UInt(sampleRate), mode) else {
            throw AudioError(.loudness, subject: subject, library: .ebur128,
                             libraryMessage: "ebur128_init(\(channels) ch, \(sampleRate) Hz) failed")
        }
        state = st
        self.channels = channels
        truePeak = shortTerm ? nil : TruePeakMeter(channels: channels)
    }

    deinit {
        var st: UnsafeMutablePointer<ebur128_state>? = state
        ebur128_destroy(&st)
    }

    func add(_ samples: UnsafePointer<Float>, frames: Int) throws(AudioError) {
        truePeak?.add(samples, frames: frames)
        let rc = ebur128_add_frames_float(state, samples, frames)
        if rc != EBUR128_SUCCESS.rawValue { throw fault(rc, "ebur128_add_frames_float") }
    }

    private func fault(_ rc: Int32, _ call: String) -> AudioError {
        AudioError(.loudness, subject: subject, library: .ebur128, code: rc, libraryMessage: "\(call) failed")
    }

    /// Loudness of the last 3 s (EBU R 128 short-term), LUFS; −∞ for silence.
    func shortTermLUFS() throws(AudioError) -> Double {
        var lufs = 0.0
        let rc = ebur128_loudness_shortterm(state, &lufs)
        if rc != EBUR128_SUCCESS.rawValue { throw fault(rc, "ebur128_loudness_shortterm") }
        return lufs
    }

    func result() throws(AudioError) -> Loudness {
        var lufs = 0.0
        let rc = ebur128_loudness_global(state, &lufs)
        if rc != EBUR128_SUCCESS.rawValue { throw fault(rc, "ebur128_loudness_global") }
        let peak = Double(truePeak?.linearPeak ?? 0)
        return Loudness(integratedLUFS: lufs, truePeakDBTP: peak > 0 ? 20 * log10(peak) : -.infinity)
    }
}
