import Foundation

/// A station's signed statement about its own airing log: "my chain reached row `seq` with hash `hash` at `at`".
/// The box signs one at least every 10 minutes while airing and at stop, with its own Ed25519 key, and keeps it in
/// the log; copies held off the box (the hub's, an official's) anchor the log, so rows cut off the end or a chain
/// rewritten after an anchored checkpoint are named by `loa log verify --anchor` (docs/reference/airing-log.md).
///
/// The signature covers `signedBytes`: the UTF-8 of
/// `loa-checkpoint/1\n{station}\n{seq}\n{hash}\n{at}\n`, where `at` is the RFC 3339 timestamp as written.
public struct Checkpoint: Sendable, Hashable, Codable {
    public var station: String
    /// The last row the checkpoint covers.
    public var seq: Int64
    /// That row's `hash`.
    public var hash: String
    /// When it was signed (RFC 3339 with milliseconds and offset).
    public var at: String
    /// The station key's public half, 32 bytes, base64 (so a copy says which key signed it).
    public var publicKey: String
    /// Ed25519 signature of `signedBytes`, 64 bytes, base64.
    public var signature: String

    public init(station: String, seq: Int64, hash: String, at: String, publicKey: String, signature: String) {
        self.station = station; self.seq = seq; self.hash = hash; self.at = at; self.publicKey = publicKey
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case station, seq, hash, at, signature
        case publicKey = "public_key"
    }

    /// What the signature covers.
    public var signedBytes: [UInt8] { Checkpoint.signedBytes(station: station, seq: seq, hash: hash, at: at) }

    public static func signedBytes(station: String, seq: Int64, hash: String, at: String) -> [UInt8] {
        Array("loa-checkpoint/1\n\(station)\n\(seq)\n\(hash)\n\(at)\n".utf8)
    }
}
