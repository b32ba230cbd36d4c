import LoaCore
import LoaL10n

/// Anything that goes wrong talking to the hub, naming the request: the hub unreachable, a refusal (with the hub's
/// own JSON words), a file whose bytes do not match its hash.
public struct SyncError: LoaError {
    public enum Kind: String, Sendable, Hashable {
        case unreachable, refused, diverged, hashMismatch, badAnswer, localFile
    }
    public let kind: Kind
    public let subject: String
    public let reason: Localized
    /// The HTTP status of a refusal.
    public var status: Int?
    /// The hub's refusal body, when it sent one.
    public var refusal: HubRefusal?

    public init(_ kind: Kind, subject: String, _ reason: Localized, status: Int? = nil, refusal: HubRefusal? = nil) {
        self.kind = kind; self.subject = subject; self.reason = reason; self.status = status; self.refusal = refusal
    }

    public var localized: Localized { Localized(vi: "\(subject): \(reason.vi)", en: "\(subject): \(reason.en)") }
}
