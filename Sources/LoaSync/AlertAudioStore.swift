import Foundation
import LoaAlerts
import LoaCore
import LoaL10n
import LoaLog

/// An alert's audio fetched from the hub (`GET /api/v1/blobs/SHA256`, the station's token) into the state folder,
/// kept only when its SHA-256 and size are the alert's: a file named by its hash is that content.
public struct AlertAudioStore: Sendable {
    public let client: HubClient
    public let folder: URL

    public init(client: HubClient, folder: URL) { self.client = client; self.folder = folder }

    /// The local file holding `blob`, fetched now unless an earlier alert brought it.
    public func fetch(_ blob: StationAlert.Blob) async throws -> URL {
        let sha = blob.sha256.lowercased()
        let subject = "GET \(client.base)/api/v1/blobs/\(sha)"
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
            throw SyncError(.badAnswer, subject: subject, Localized(vi: "mã SHA-256 của âm thanh không hợp lệ",
                                                                    en: "the audio's SHA-256 is not valid"))
        }
        let url = folder.appendingPathComponent("\(sha).\(Self.fileExtension(blob.mimeType))")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let bytes = try await client.blob(sha)
        let got = sha256Hex(bytes)
        guard got == sha, Int64(bytes.count) == blob.size else {
            throw SyncError(.hashMismatch, subject: subject, Localized(
                vi: "âm thanh nhận được (\(bytes.count) byte, SHA-256 \(got)) không khớp cảnh báo (\(blob.size) byte, \(sha))",
                en: "the audio received (\(bytes.count) bytes, SHA-256 \(got)) does not match the alert's (\(blob.size) bytes, \(sha))"))
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try bytes.write(to: url, options: .atomic)
        } catch {
            throw SyncError(.localFile, subject: url.path, Localized(vi: "không ghi được: \(error)",
                                                                     en: "cannot write: \(error)"))
        }
        return url
    }

    /// libsndfile reads most formats by their content; MP3 is told by its name.
    static func fileExtension(_ mimeType: String) -> String {
        switch mimeType.lowercased() {
        case "audio/mpeg", "audio/mp3": "mp3"
        case "audio/flac", "audio/x-flac": "flac"
        case "audio/ogg", "audio/opus": "ogg"
        default: "wav"
        }
    }
}
