#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the file system says about a path without reading it: one `stat`, plus `realpath` and `access` on demand.
/// Plain calls, not FileManager's attribute dictionaries: a national plan checks thousands of paths.
public struct FileStatus: Sendable, Hashable {
    public enum FileType: Sendable, Hashable { case regular, directory, other }
    public var type: FileType
    public var size: Int
    /// Modification time, nanoseconds since 1970.
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    /// Follows links; nil when nothing is there (or it can't be inspected).
    public static func of(_ path: String) -> FileStatus? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let mode = st.st_mode & S_IFMT
        #if canImport(Glibc)
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #else
        let mtime = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #endif
        return FileStatus(type: mode == S_IFREG ? .regular : mode == S_IFDIR ? .directory : .other,
                          size: Int(st.st_size), modifiedNanoseconds: mtime, inode: UInt64(st.st_ino))
    }

    /// The canonical path with every link resolved, or nil when it doesn't exist.
    public static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }
    public static func isWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// `chmod`.
    public static func setPermissions(_ path: String, _ mode: UInt32) throws(SystemError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw SystemError(.permissions, subject: path) }
    }

    /// `unlink`; a path already gone is not an error.
    public static func remove(_ path: String) throws(SystemError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw SystemError(.remove, subject: path) }
    }
}
