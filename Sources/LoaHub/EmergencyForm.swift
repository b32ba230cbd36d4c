import Foundation
import LoaAlerts
import LoaCore
import LoaL10n

/// The officials' page's emergency form (`POST /api/v1/emergencies`, JSON), made into the same CAP document
/// `loa hub emergency` sends (`EmergencyDraft`).
struct EmergencyForm: Decodable {
    /// `all`, `group:NAME` or station ids.
    var targets: [String]?
    var text: String?
    var voice: String?
    /// The audio file's bytes, base64.
    var audio: String?
    var mimeType: String?
    /// `immediate` (default) or `expected`.
    var urgency: String?
    var repeatMinutes: Int?
    /// `07:00-20:00`.
    var hours: String?
    /// RFC 3339.
    var until: String?
    var headline: String?
    /// Keys to cancel: a Cancel message instead of an alert.
    var cancel: [String]?

    enum CodingKeys: String, CodingKey {
        case targets, text, voice, audio, mimeType = "mime_type", urgency, repeatMinutes = "repeat_minutes", hours
        case until, headline, cancel
    }

    func draft(subject: String, now: Date) throws -> EmergencyDraft {
        func refuse(_ vi: String, _ en: String) -> HubError { HubError(.badRequest, subject: subject, Localized(vi: vi, en: en)) }
        if let cancel, !cancel.isEmpty {
            return EmergencyDraft(cancels: cancel, sent: now)
        }
        let content: EmergencyDraft.Content
        if let audio, !audio.isEmpty {
            guard let bytes = Data(base64Encoded: audio, options: .ignoreUnknownCharacters), !bytes.isEmpty else {
                throw refuse("audio không phải base64", "audio is not base64")
            }
            content = .audio(bytes, mimeType: mimeType ?? "audio/mpeg")
        } else if let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            content = .text(text, voice: voice == "en" ? "en" : "vi")
        } else {
            throw refuse("cần tệp âm thanh hoặc nội dung để đọc", "give an audio file or a text to read")
        }
        guard let targets, !targets.isEmpty else { throw refuse("chưa chọn đài nào", "no station chosen") }
        guard ["immediate", "expected", nil].contains(urgency) else {
            throw refuse("urgency phải là immediate hoặc expected", "urgency must be immediate or expected")
        }
        var expires: Date?
        if let until, !until.isEmpty {
            guard let date = Timestamp.parse(until) else { throw refuse("until không phải thời điểm RFC 3339", "until is not an RFC 3339 time") }
            expires = date
        }
        if let repeatMinutes, repeatMinutes < 1 { throw refuse("số phút lặp lại phải ≥ 1", "repeat minutes must be ≥ 1") }
        return EmergencyDraft(targets: targets, content: content, immediate: urgency != "expected",
                              repeatSeconds: repeatMinutes.map { $0 * 60 }, hours: hours?.isEmpty == true ? nil : hours,
                              expires: expires, headline: headline, sent: now)
    }
}
