import Foundation
// Linux only (as the station boxes are): the socket calls are Glibc's.
import Glibc


/// A Unix stream socket: a listening one (`listen`) or a connection (`connect`, `accept`). Owns its descriptor;
/// `close` is idempotent. Reads honour the receive timeout; writes never raise SIGPIPE.
public final class UnixSocket: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    private let lock = NSLock()

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    public static func connect(to path: String) throws(SystemError) -> UnixSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemError(.socket, subject: path) }
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let error = SystemError(.connect, subject: path)
            _ = Glibc.close(fd)
            throw error
        }
        return UnixSocket(fd: fd, path: path)
    }

    public static func listen(at path: String, backlog: Int32 = 8) throws(SystemError) -> UnixSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemError(.socket, subject: path) }
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let error = SystemError(.bind, subject: path)
            _ = Glibc.close(fd)
            throw error
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let error = SystemError(.listen, subject: path)
            _ = Glibc.close(fd)
            throw error
        }
        return UnixSocket(fd: fd, path: path)
    }

    /// Waits for the next connection; EINTR is retried.
    public func accept() throws(SystemError) -> UnixSocket {
        while true {
            let client = Glibc.accept(descriptor, nil, nil)
            if client >= 0 { return UnixSocket(fd: client, path: path) }
            if errno != EINTR { throw SystemError(.accept, subject: path) }
        }
    }

    /// Reads give up after `seconds` without data.
    public func setReceiveTimeout(seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A send that waits longer than this (the peer stopped reading) fails instead of blocking.
    public func setSendTimeout(seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    public func send(_ data: Data) throws(SystemError) {
        var offset = 0
        while offset < data.count {
            // MSG_NOSIGNAL: a peer that hung up must give an error here, not kill the process with SIGPIPE.
            let n = data.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { throw SystemError(.write, subject: path) }
            offset += n
        }
    }

    /// Exactly `count` bytes; nil on timeout, error or early end.
    public func readExactly(_ count: Int) -> Data? {
        var data = Data(count: count)
        var offset = 0
        while offset < count {
            let n = data.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + offset, min(count - offset, 1 << 20)) }
            if n <= 0 { return nil }
            offset += n
        }
        return data
    }

    /// Up to the first newline (or the end); nil on timeout, error or a line longer than `limit`.
    public func readLine(limit: Int) -> Data? {
        var data = Data()
        var byte: UInt8 = 0
        while data.count < limit {
            let n = read(descriptor, &byte, 1)
            if n <= 0 { return data.isEmpty ? nil : data }
            if byte == 0x0A { return data }
            data.append(byte)
        }
        return nil
    }

    /// Wakes a thread blocked in `accept` or `read` on this socket.
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    public func close() {
        lock.lock(); defer { lock.unlock() }
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    private var descriptor: Int32 { lock.lock(); defer { lock.unlock() }; return fd }
    var rawDescriptor: Int32 { descriptor }

    private static func address(_ path: String) throws(SystemError) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else { throw SystemError(.socket, subject: path, code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }
}
