import CSndfile
import Foundation

/// What libsndfile says about a file, plus the frame count (counted by decoding where the header does not say).
public struct AudioInfo: Sendable, Hashable, Codable {
    public var frames: Int64
    public var sampleRate: Int
    public var channels: Int
    /// Major format name: wav, flac, ogg, mpeg, …
    public var format: String
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    public init(frames: Int64, sampleRate: Int, channels: Int, format: String) {
        self.frames = frames; self.sampleRate = sampleRate; self.channels = channels; self.format = format
    }
}

/// A libsndfile handle opened for reading. Not shared between threads; the C pointer never leaves this type.
public final class SoundFile {
    private let handle: OpaquePointer
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    /// Frames as the header states; may be 0 or absurdly large for streams that don't say (see `AudioProbe`).
    public let headerFrames: Int64
    public let format: String

    public init(readingFrom url: URL) throws(AudioError) {
        let path = url.path
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioError(.fileMissing, subject: path)
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw AudioError(.fileUnreadable, subject: path)
        }
        // A FIFO or a device (/dev/zero) would block forever or never end: audio is a regular file.
        guard ContentHash.isRegularFile(path) else {
            throw AudioError(.notAudio, subject: path, library: .posix, libraryMessage: "not a regular file")
        }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            let code = sf_error(nil)
            let message = String(cString: sf_strerror(nil))
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            let kind: AudioError.Kind = size == 0 ? .emptyAudio
                : code == Int32(SF_ERR_UNRECOGNISED_FORMAT) || SoundFile.looksLikeText(path) ? .notAudio
                : .corruptAudio
            throw AudioError(kind, subject: path, library: .sndfile, code: code, libraryMessage: message)
        }
        self.handle = handle
        self.sampleRate = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.headerFrames = Int64(info.frames)
        self.format = SoundFile.formatName(info.format)
        guard sampleRate > 0, channels > 0 else {
            sf_close(handle)
            throw AudioError(.unsupportedFormat, subject: path, library: .sndfile,
                             libraryMessage: "rate \(info.samplerate), channels \(info.channels)")
        }
        if let note = SoundFile.truncation(handle) {
            sf_close(handle)
            throw AudioError(.corruptAudio, subject: path, library: .sndfile, libraryMessage: note)
        }
    }

    /// libsndfile quietly shortens a WAV whose data chunk claims more bytes than the file holds (its log says
    /// "data : N (should be M)"); that is a truncated file, and half a message must not air as if whole.
    /// Streamed WAVs that leave the length unknown (0 or near 4 GiB) are not truncated.
    private static func truncation(_ handle: OpaquePointer) -> String? {
        var log = [CChar](repeating: 0, count: 8192)
        _ = sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("data") && line.contains("(should be") {
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
            guard numbers.count >= 2 else { continue }
            let (declared, actual) = (numbers[0], numbers[1])
            if declared > actual && declared > 0 && declared < 0x7F00_0000 {
                return "truncated: header declares \(declared) bytes of audio, file holds \(actual)"
            }
        }
        return nil
    }

    deinit { sf_close(handle) }

    /// A text file renamed to .mp3 makes libsndfile's MPEG probe fail with an odd message; text is "not audio".
    static func looksLikeText(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4096), !head.isEmpty else { return false }
        return !head.contains(0) && String(data: head, encoding: .utf8) != nil
    }

    /// Reads up to `frameCount` interleaved float frames into `buffer` (resized as needed); returns frames read,
    /// 0 at the end. A decode error mid-file throws `.corruptAudio`.
    public func read(into buffer: inout [Float], frameCount: Int) throws(AudioError) -> Int {
        let needed = frameCount * channels
        if buffer.count < needed { buffer = [Float](repeating: 0, count: needed) }
        let got = buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(frameCount)) }
        // The error can come with a short read and is cleared by the next call, so look after every read.
        if got < 0 || sf_error(handle) != Int32(SF_ERR_NO_ERROR) {
            let code = sf_error(handle)
            throw AudioError(.corruptAudio, subject: path, library: .sndfile, code: code,
                             libraryMessage: String(cString: sf_strerror(handle)))
        }
        return Int(got)
    }

    /// Rewinds to the first frame (for a second pass, e.g. measuring then playing).
    public func rewind() throws(AudioError) {
        if sf_seek(handle, 0, SEEK_SET) < 0 {
            throw AudioError(.io, subject: path, library: .sndfile, code: sf_error(handle),
                             libraryMessage: String(cString: sf_strerror(handle)))
        }
    }

    static func formatName(_ format: Int32) -> String {
        switch Int(format) & SF_FORMAT_TYPEMASK {
        case SF_FORMAT_WAV, SF_FORMAT_WAVEX, SF_FORMAT_RF64: return "wav"
        case SF_FORMAT_FLAC: return "flac"
        case SF_FORMAT_OGG:
            return Int(format) & SF_FORMAT_SUBMASK == SF_FORMAT_OPUS ? "opus" : "ogg"
        case SF_FORMAT_MPEG: return "mp3"
        case SF_FORMAT_AIFF: return "aiff"
        default: return String(format: "0x%06x", Int(format) & SF_FORMAT_TYPEMASK)
        }
    }
}
