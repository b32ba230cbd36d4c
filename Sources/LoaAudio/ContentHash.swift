import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a file's bytes, hex, streamed in 1 MiB chunks. The log's `audio_sha256` and every cache key use it.
public enum ContentHash {
    public static func sha256(of url: URL) throws(AudioError) -> String {
        // Only regular files end: hashing /dev/zero or a FIFO would spin or block forever.
        if FileManager.default.fileExists(atPath: url.path), !isRegularFile(url.path) {
            throw AudioError(.notAudio, subject: url.path, library: .posix, libraryMessage: "not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw AudioError(exists ? .fileUnreadable : .fileMissing, subject: url.path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw AudioError(.io, subject: url.path, library: .posix, libraryMessage: "\(error)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension ContentHash {
    /// Follows links; false for folders, FIFOs, devices and sockets.
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
}
