import Glibc

/// Who is at the other end of a Unix socket, as the kernel says (`SO_PEERCRED`): a client checks the daemon's
/// user before it sends a bulletin, so a socket planted by someone else in a shared folder gets nothing.
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var userID: UInt32
    public var groupID: UInt32
}

/// `struct ucred` of <sys/socket.h>, which Glibc's module hides without _GNU_SOURCE; same layout.
private struct LinuxUcred { var pid: Int32 = 0; var uid: UInt32 = 0; var gid: UInt32 = 0 }
/// `SO_PEERCRED` on Linux (asm-generic/socket.h), hidden for the same reason.
private let linuxSOPeerCred: Int32 = 17

extension UnixSocket {
    /// The peer's process, user and group at the time it connected (or listened).
    public func peerCredentials() throws(SystemError) -> PeerCredentials {
        var cred = LinuxUcred()
        var length = socklen_t(MemoryLayout<LinuxUcred>.size)
        guard getsockopt(rawDescriptor, SOL_SOCKET, linuxSOPeerCred, &cred, &length) == 0 else {
            throw SystemError(.socket, subject: path)
        }
        return PeerCredentials(pid: cred.pid, userID: cred.uid, groupID: cred.gid)
    }

    /// Everything the peer sends until it closes, at most `limit` bytes; nil on timeout, error or over the limit.
    /// With `keepOnTimeout`, what arrived before the receive timeout is returned (a peer that answered but keeps
    /// the connection open).
    public func readToEnd(limit: Int, keepOnTimeout: Bool = false) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(rawDescriptor, $0.baseAddress!, $0.count) }
            if n == 0 { return out }
            if n < 0 {
                if errno == EINTR { continue }
                return keepOnTimeout && (errno == EAGAIN || errno == EWOULDBLOCK) && !out.isEmpty ? out : nil
            }
            out.append(contentsOf: buffer[0..<n])
            if out.count > limit { return nil }
        }
    }
}

/// Who owns a path and its permission bits, and how much room its file system has left.
public struct Ownership: Sendable, Hashable {
    public var userID: UInt32
    public var groupID: UInt32
    /// The permission bits (`0o750`, …).
    public var mode: UInt32

    /// Without following a final link: a link planted in place of a socket folder is seen as a link.
    public static func of(_ path: String) -> Ownership? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return Ownership(userID: st.st_uid, groupID: st.st_gid, mode: UInt32(st.st_mode) & 0o7777)
    }

    /// The folder is a real folder (not a link).
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// The file system's free space for unprivileged users, in bytes, and its size; nil when it cannot be asked.
public func diskSpace(at path: String) -> (free: UInt64, total: UInt64)? {
    var s = statvfs()
    guard statvfs(path, &s) == 0 else { return nil }
    return (UInt64(s.f_bavail) * UInt64(s.f_frsize), UInt64(s.f_blocks) * UInt64(s.f_frsize))
}
