import LoaCore
import LoaL10n

/// A request the hub refuses, or a fault in its store: the HTTP status it answers with, a machine-readable kind and
/// the words in both languages. Sent to the client as a `HubRefusal` JSON body.
public struct HubError: LoaError {
    public enum Kind: String, Sendable, Hashable {
        case unauthorized, forbidden, notFound, badRequest, tooLarge, hashMismatch, missingBlob, diverged
        case insufficientStorage, storeFailed
    }
    public let kind: Kind
    /// The request (method and path) or file the error is about.
    public let subject: String
    public let reason: Localized
    public var divergedAt: Int64?

    public init(_ kind: Kind, subject: String, _ reason: Localized, divergedAt: Int64? = nil) {
        self.kind = kind; self.subject = subject; self.reason = reason; self.divergedAt = divergedAt
    }

    public var localized: Localized {
        Localized(vi: "\(subject): \(reason.vi)", en: "\(subject): \(reason.en)")
    }

    /// The HTTP status code the hub answers with.
    public var status: Int {
        switch kind {
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .badRequest, .hashMismatch, .missingBlob: 422
        case .tooLarge: 413
        case .diverged: 409
        case .insufficientStorage: 507
        case .storeFailed: 500
        }
    }

    public var refusal: HubRefusal {
        HubRefusal(error: kind.rawValue, message: localized.en, messageVi: localized.vi, divergedAt: divergedAt)
    }
}
