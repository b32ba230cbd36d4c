import LoaCore
import LoaL10n

/// Why text could not be turned into speech. `subject` names the voice, option or engine involved.
public struct SpeechError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case engineMissing, unknownVoice, emptyText, textTooLong, badOption, engineFailed, timedOut, audio
    }

    public var kind: Kind
    /// The voice (unknownVoice), option name (badOption), engine path (engine*), or cache path (audio).
    public var subject: String
    /// The engine's exit status and stderr, the allowed range, or the audio layer's message, verbatim.
    public var detail: String
    public var audioError: AudioError?

    public init(_ kind: Kind, subject: String, detail: String = "", audioError: AudioError? = nil) {
        self.kind = kind; self.subject = subject; self.detail = detail; self.audioError = audioError
    }

    public var localized: Localized {
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        switch kind {
        case .engineMissing:
            return Localized(vi: "không tìm thấy espeak-ng (\(subject)); cài bằng: apt-get install espeak-ng",
                             en: "espeak-ng not found (\(subject)); install it with: apt-get install espeak-ng")
        case .unknownVoice:
            return Localized(
                vi: "giọng đọc không có: \"\(subject)\"; dùng vi, vi-vn-x-central hoặc vi-vn-x-south\(suffix)",
                en: "unknown voice \"\(subject)\"; use vi, vi-vn-x-central or vi-vn-x-south\(suffix)")
        case .emptyText:
            return Localized(vi: "văn bản cần đọc trống", en: "the text to speak is empty")
        case .textTooLong:
            return Localized(vi: "văn bản quá dài\(suffix)", en: "the text is too long\(suffix)")
        case .badOption:
            return Localized(vi: "giá trị \(subject) không hợp lệ\(suffix)", en: "invalid \(subject)\(suffix)")
        case .engineFailed:
            return Localized(vi: "espeak-ng bị lỗi khi đọc văn bản\(suffix)",
                             en: "espeak-ng failed to render the text\(suffix)")
        case .timedOut:
            return Localized(vi: "espeak-ng chạy quá thời gian cho phép\(suffix)",
                             en: "espeak-ng took too long\(suffix)")
        case .audio:
            let inner = audioError?.localized ?? Localized(vi: subject, en: subject)
            return Localized(vi: "lỗi tệp giọng đọc: \(inner.vi)", en: "speech audio error: \(inner.en)")
        }
    }

    public var description: String { localized.text() }
}
