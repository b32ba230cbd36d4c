import CSndfile
import Foundation

/// A libsndfile handle opened for writing: the file sink's WAV, and test/bench material in the formats Loa reads.
public final class SoundFileWriter {
    public enum Encoding: String, Sendable, CaseIterable {
        case wav16, flac16, oggVorbis, opus, mp3

        var sfFormat: Int32 {
            switch self {
            case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
            case .flac16: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
            case .oggVorbis: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
            case .opus: Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
            case .mp3: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
            }
        }
    }

    private var handle: OpaquePointer?
    public let path: String
    public let sampleRate: Int
    public let channels: Int

    public init(writingTo url: URL, encoding: Encoding, sampleRate: Int, channels: Int) throws(AudioError) {
        path = url.path
        self.sampleRate = sampleRate
        self.channels = channels
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = encoding.sfFormat
        guard let h = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioError(.io, subject: path, library: .sndfile, code: sf_error(nil),
                             libraryMessage: String(cString: sf_strerror(nil)))
        }
        handle = h
    }

    deinit { close() }

    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioError) {
        guard let h = handle, let base = samples.baseAddress, !samples.isEmpty else { return }
        let frames = samples.count / channels
        if sf_writef_short(h, base, sf_count_t(frames)) != sf_count_t(frames) { throw fault(h) }
    }

    public func write(_ samples: UnsafeBufferPointer<Float>) throws(AudioError) {
        guard let h = handle, let base = samples.baseAddress, !samples.isEmpty else { return }
        let frames = samples.count / channels
        if sf_writef_float(h, base, sf_count_t(frames)) != sf_count_t(frames) { throw fault(h) }
    }

    /// Makes the header match what has been written, so the file is complete even while it stays open.
    public func updateHeader() {
        if let h = handle { sf_command(h, Int32(SFC_UPDATE_HEADER_NOW), nil, 0) }
    }

    public func close() {
        if let h = handle { sf_close(h) }
        handle = nil
    }

    private func fault(_ h: OpaquePointer) -> AudioError {
        AudioError(.io, subject: path, library: .sndfile, code: sf_error(h), libraryMessage: String(cString: sf_strerror(h)))
    }
}
