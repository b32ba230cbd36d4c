import Foundation

/// The language of everything a user reads. Vietnamese when `LANG` (or `LC_ALL`/`LC_MESSAGES`) starts with `vi`.
public enum Language: String, Sendable, CaseIterable {
    case vi, en

    public static let current: Language = fromEnvironment(ProcessInfo.processInfo.environment)

    public static func fromEnvironment(_ env: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = env[key], !value.isEmpty { return value.lowercased().hasPrefix("vi") ? .vi : .en }
        }
        return .en
    }
}

/// A user-facing text in both languages; pick one with `text` or at print time.
public struct Localized: Sendable, Hashable, CustomStringConvertible {
    public let vi: String
    public let en: String
    public init(vi: String, en: String) { self.vi = vi; self.en = en }
    public func text(_ language: Language = .current) -> String { language == .vi ? vi : en }
    public var description: String { text() }
}

/// Shorthand: `tr("Xin chào", "Hello")` gives the text in the current language.
public func tr(_ vi: String, _ en: String, language: Language = .current) -> String {
    language == .vi ? vi : en
}
