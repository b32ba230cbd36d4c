import Foundation
import LoaL10n

/// swift-argument-parser writes its usage errors in English; an operator reading Vietnamese gets them in
/// Vietnamese. Only the parser's own fixed phrases are replaced; names of options and values stay as typed.
enum ArgumentWords {
    private static let phrases: [(String, String)] = [
        ("Error: ", "Lỗi: "),
        ("Missing value for '", "Thiếu giá trị cho '"),
        ("Missing expected argument '", "Thiếu tham số bắt buộc '"),
        ("Unknown option '", "Tuỳ chọn không tồn tại '"),
        ("Unexpected argument '", "Tham số thừa '"),
        ("Unexpected arguments '", "Các tham số thừa '"),
        ("Missing value for option", "Thiếu giá trị cho tuỳ chọn"),
        ("The value '", "Giá trị '"),
        ("' is invalid for '", "' không hợp lệ cho '"),
        ("Please provide one of ", "Hãy dùng một trong "),
        ("Help:  ", "Trợ giúp:  "),
        ("Usage: ", "Cách dùng: "),
        ("  See '", "  Xem '"),
        ("' for more details.", "' để biết thêm."),
        ("' for more information.", "' để biết thêm."),
    ]

    /// `message` (ArgumentParser's full text of a usage error) in `language`.
    static func translate(_ message: String, to language: Language = .current) -> String {
        guard language == .vi else { return message }
        var text = message
        for (en, vi) in phrases { text = text.replacingOccurrences(of: en, with: vi) }
        return text
    }
}
