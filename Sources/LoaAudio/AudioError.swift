import LoaCore
import LoaL10n

/// Every failure of the audio layer, carrying the C library's code and message and the file or device involved.
public struct AudioError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case fileMissing, fileUnreadable, notAudio, emptyAudio, corruptAudio, unsupportedFormat
        case resampler, loudness, deviceUnavailable, deviceFailed, io
    }
    public enum Library: String, Sendable, Hashable { case sndfile, alsa, ebur128, soxr, mpg123, posix, none }

    public var kind: Kind
    /// The file path or ALSA device name the error is about.
    public var subject: String
    public var library: Library
    /// The C library's error code (0 when none applies).
    public var code: Int32
    /// The C library's own message, verbatim.
    public var libraryMessage: String

    public init(_ kind: Kind, subject: String, library: Library = .none, code: Int32 = 0, libraryMessage: String = "") {
        self.kind = kind; self.subject = subject; self.library = library; self.code = code
        self.libraryMessage = libraryMessage
    }

    /// One short line for an operator, naming the file or device and the fault.
    public var localized: Localized {
        let (vi, en): (String, String) = switch kind {
        case .fileMissing: ("không tìm thấy tệp", "file not found")
        case .fileUnreadable: ("không đọc được tệp", "cannot read file")
        case .notAudio: ("không phải tệp âm thanh", "not an audio file")
        case .emptyAudio: ("tệp âm thanh rỗng", "audio file is empty")
        case .corruptAudio: ("tệp âm thanh bị hỏng", "audio file is corrupt")
        case .unsupportedFormat: ("định dạng âm thanh không hỗ trợ", "unsupported audio format")
        case .resampler: ("lỗi chuyển tần số lấy mẫu", "resampling failed")
        case .loudness: ("lỗi đo độ to", "loudness measurement failed")
        case .deviceUnavailable: ("không mở được thiết bị âm thanh", "cannot open audio device")
        case .deviceFailed: ("thiết bị âm thanh bị lỗi", "audio device failed")
        case .io: ("lỗi đọc/ghi", "I/O error")
        }
        let detail = libraryMessage.isEmpty ? "" : " (\(library.rawValue) \(code): \(libraryMessage))"
        return Localized(vi: "\(subject): \(vi)\(detail)", en: "\(subject): \(en)\(detail)")
    }

    public var description: String { localized.text() }
}
