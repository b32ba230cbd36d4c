import Foundation
import LoaCore
import LoaL10n
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A private copy of a log (and its `-wal`) for reading where the log's own folder cannot be written. Removed when
/// the log that reads it goes.
final class ReadCopy: Sendable {
    let folder: URL
    let path: String

    private init(folder: URL, path: String) { self.folder = folder; self.path = path }

    static func ifNeeded(for path: String) throws -> ReadCopy? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard access(folder, W_OK) != 0 else { return nil }
        let fm = FileManager.default
        let copy = fm.temporaryDirectory.appendingPathComponent("loa-log-read-\(UUID().uuidString)")
        let target = copy.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
        do {
            try fm.createDirectory(at: copy, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.copyItem(atPath: path, toPath: target.path)
            if fm.fileExists(atPath: path + "-wal") { try fm.copyItem(atPath: path + "-wal", toPath: target.path + "-wal") }
        } catch {
            try? fm.removeItem(at: copy)
            throw LogError(path: path, Localized(vi: "không đọc được bản sao để đọc (thư mục chỉ đọc): \(error.localizedDescription)",
                                                 en: "cannot copy it to read it (its folder is read-only): \(error.localizedDescription)"))
        }
        return ReadCopy(folder: copy, path: target.path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// The one writer of a log: an exclusive lock on `LOG.lock` held for the writer's life, with its process id inside,
/// so a second daemon on the same log refuses to start and names the first (two writers would log every airing
/// twice, in a chain that still verifies). A lock file deleted or replaced under the writer is taken again
/// (`reclaimIfLost`): a lock on an unlinked file would let a second daemon start.
public final class LogWriterLock: Sendable {
    public let path: String
    private let log: String
    /// The descriptor holding the lock; replaced when the lock file is taken again.
    private let fd: Mutex<Int32>

    public init(log: String) throws {
        self.log = log
        path = log + ".lock"
        fd = Mutex(try Self.take(path, log: log))
    }

    /// Opens (creating) and locks `path`, writes this process's id into it; refuses, naming the holder, when another
    /// process holds it.
    private static func take(_ path: String, log: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw LogError(path: path, Localized(vi: "không tạo được tệp khoá: \(why)", en: "cannot create the lock file: \(why)"))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buffer, buffer.count)
            let holder = String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw LogError(path: log, Localized(
                vi: "một trình phát khác (pid \(holder.isEmpty ? "?" : holder)) đang ghi nhật ký này",
                en: "another daemon (pid \(holder.isEmpty ? "?" : holder)) is writing this log"))
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    /// Whether the lock file at `path` is still the one held; when it was deleted or replaced, takes it again and
    /// answers true. Throws when it cannot (another process locked the new file: a second writer).
    public func reclaimIfLost() throws -> Bool {
        try fd.withLock { fd in
            var held = stat(), atPath = stat()
            if fstat(fd, &held) == 0, stat(path, &atPath) == 0, held.st_ino == atPath.st_ino, held.st_dev == atPath.st_dev {
                return false
            }
            let fresh = try Self.take(path, log: log)
            close(fd)
            fd = fresh
            return true
        }
    }

    deinit { fd.withLock { _ = close($0) } }
}
