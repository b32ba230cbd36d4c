import LoaL10n

/// The one style of Loa's errors: a kind to switch on, the file, device or request the error is about, and the
/// operator's text in both languages (picked when it is printed, never before).
///
/// ```swift
/// catch let error as any LoaError {
///     print(error.localized.text(.vi))   // "audio/x.wav: không tìm thấy tệp"
/// }
/// ```
public protocol LoaError: Error, Sendable, CustomStringConvertible {
    associatedtype Kind: Sendable
    var kind: Kind { get }
    /// The file path, device name or request the error is about.
    var subject: String { get }
    /// One short line naming the subject and the fault.
    var localized: Localized { get }
}

extension LoaError {
    public var description: String { localized.text() }
}
