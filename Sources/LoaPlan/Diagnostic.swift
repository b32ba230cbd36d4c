import LoaCore
import LoaL10n

/// One problem found in a plan, printed `file:line:column: error: …`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }
    public var severity: Severity
    public var location: SourceLocation?
    public var message: Localized

    public init(_ severity: Severity, _ message: Localized, at location: SourceLocation?) {
        self.severity = severity; self.message = message; self.location = location
    }
    public static func error(_ vi: String, _ en: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.error, Localized(vi: vi, en: en), at: location)
    }
    public static func warning(_ vi: String, _ en: String, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(.warning, Localized(vi: vi, en: en), at: location)
    }

    /// The severity word stays English (`error`/`warning`) so editors and CI can parse it in any language.
    public func formatted(_ language: Language = .current) -> String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message.text(language))"
    }
    public var description: String { formatted() }
}
