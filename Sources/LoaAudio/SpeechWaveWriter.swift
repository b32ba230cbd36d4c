import CSndfile
import Foundation

/// A 16-bit PCM WAV written through libsndfile, for rendered speech. The C handle never leaves this type.
final class SpeechWaveWriter {
    private var handle: OpaquePointer?
    let path: String
    let channels: Int

    init(writingTo url: URL, sampleRate: Int, channels: Int) throws(AudioError) {
        path = url.path
        self.channels = channels
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioError(.io, subject: path, library: .sndfile, code: sf_error(nil),
                             libraryMessage: String(cString: sf_strerror(nil)))
        }
        self.handle = handle
        // Clip rather than wrap around should a reading ever exceed full scale.
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
    }

    deinit { if let handle { sf_close(handle) } }

    /// Appends interleaved frames.
    func write(_ samples: ArraySlice<Float>) throws(AudioError) {
        guard let handle else { throw AudioError(.io, subject: path, libraryMessage: "writer closed") }
        let frames = samples.count / channels
        guard frames > 0 else { return }
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        if written != sf_count_t(frames) {
            throw AudioError(.io, subject: path, library: .sndfile, code: sf_error(handle),
                             libraryMessage: String(cString: sf_strerror(handle)))
        }
    }

    func writeSilence(frames: Int) throws(AudioError) {
        let chunk = [Float](repeating: 0, count: 4_096 * channels)
        var left = frames
        while left > 0 {
            let n = min(left, 4_096)
            try write(chunk[0..<(n * channels)])
            left -= n
        }
    }

    /// Finishes the header; errors on close (a full disk) surface here rather than in `deinit`.
    func close() throws(AudioError) {
        guard let handle else { return }
        self.handle = nil
        let code = sf_close(handle)
        if code != 0 {
            throw AudioError(.io, subject: path, library: .sndfile, code: code,
                             libraryMessage: String(cString: sf_error_number(code)))
        }
    }
}
