import Crypto
import Foundation
import LoaCore
import LoaL10n

/// A station box's Ed25519 key: made on first use and kept in the state folder (`station.key`, 0600, the raw 32-byte
/// private key, base64); only its public half ever leaves the box. It signs the box's checkpoints.
public struct StationKey: Sendable {
    /// The raw private key (swift-crypto's key type is not Sendable; it is rebuilt to sign).
    private let raw: Data
    /// The public half, 32 bytes, base64: what `loa log key` prints and the hub registers.
    public let publicKey: String

    private init(key: Curve25519.Signing.PrivateKey) {
        raw = key.rawRepresentation
        publicKey = key.publicKey.rawRepresentation.base64EncodedString()
    }

    /// Loads `file`, or makes a new key there (0600) when it does not exist.
    public static func loadOrCreate(at file: URL) throws -> StationKey {
        let fm = FileManager.default
        if fm.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = Data(base64Encoded: text),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw LogError(path: file.path, Localized(vi: "tệp khoá của đài bị hỏng", en: "the station key file is damaged"))
            }
            return StationKey(key: key)
        }
        try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = Curve25519.Signing.PrivateKey()
        let text = key.rawRepresentation.base64EncodedString() + "\n"
        guard fm.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LogError(path: file.path, Localized(vi: "không ghi được tệp khoá của đài", en: "cannot write the station key"))
        }
        return StationKey(key: key)
    }

    /// A key held only in memory (tests, rehearsals).
    public static func ephemeral() -> StationKey { StationKey(key: Curve25519.Signing.PrivateKey()) }

    /// Signs "the chain of `station` reached `seq` with `hash` at `at`".
    public func checkpoint(station: String, seq: Int64, hash: String, at: String) throws -> Checkpoint {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let signature = try key.signature(for: Checkpoint.signedBytes(station: station, seq: seq, hash: hash, at: at))
        return Checkpoint(station: station, seq: seq, hash: hash, at: at, publicKey: publicKey,
                          signature: signature.base64EncodedString())
    }
}

extension Checkpoint {
    /// Whether `signature` is `publicKey`'s (or, when given, `expectedKey`'s) over `signedBytes`.
    public func isSigned(by expectedKey: String? = nil) -> Bool {
        let keyText = expectedKey ?? publicKey
        guard expectedKey == nil || expectedKey == publicKey,
              let raw = Data(base64Encoded: keyText), let signature = Data(base64Encoded: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }
}
