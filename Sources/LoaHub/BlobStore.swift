import LoaLog
import Foundation
import LoaCore
import LoaL10n

/// Plan files and audio, content-addressed on disk: `blobs/ab/abcd…` under the data folder, named by their SHA-256.
/// A blob is written to a temporary file, its hash checked, then renamed into place, so a half-written or wrong
/// upload never takes a blob's name.
public struct BlobStore: Sendable {
    public let folder: URL

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("incoming"),
                                                withIntermediateDirectories: true)
    }

    public func url(of sha256: String) -> URL {
        folder.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    public func size(of sha256: String) -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url(of: sha256).path) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    /// Stores `bytes` as `sha256`; refuses bytes whose hash is another (`hashMismatch`) and maps a full disk to
    /// `insufficientStorage`. Storing a blob already held changes nothing.
    public func put(_ bytes: Data, as sha256: String, subject: String) throws {
        let actual = sha256Hex(bytes)
        guard actual == sha256 else {
            throw HubError(.hashMismatch, subject: subject, Localized(
                vi: "nội dung có SHA-256 \(actual), không phải \(sha256)",
                en: "the body's SHA-256 is \(actual), not \(sha256)"))
        }
        if size(of: sha256) == Int64(bytes.count) { return }
        let temp = folder.appendingPathComponent("incoming").appendingPathComponent(UUID().uuidString)
        let target = url(of: sha256)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: temp, options: .atomic)
            _ = try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: temp, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            let ns = error as NSError
            let full = ns.code == NSFileWriteOutOfSpaceError
                || (ns.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(POSIXErrorCode.ENOSPC.rawValue)
            throw HubError(full ? .insufficientStorage : .storeFailed, subject: subject, Localized(
                vi: full ? "đĩa của hub đã đầy" : "không lưu được tệp: \(ns.localizedDescription)",
                en: full ? "the hub's disk is full" : "cannot store the file: \(ns.localizedDescription)"))
        }
    }

    /// Bytes `range` (inclusive bounds, already checked against the size) of a held blob.
    public func read(_ sha256: String, from start: Int64, through end: Int64) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url(of: sha256))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(start))
        return try handle.read(upToCount: Int(end - start + 1)) ?? Data()
    }
}

/// Bearer tokens: 32 random bytes, base64url; the hub keeps only their SHA-256.
public enum HubTokens {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        sha256Hex(Data(token.utf8))
    }
}
