#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// A file written front to back through a plain descriptor: created (or truncated) on open, every write whole,
/// errors typed with the path and `errno`.
public final class OutputFile {
    public let path: String
    private var fd: Int32

    public init(path: String, permissions: UInt32 = 0o644) throws(SystemError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(permissions))
        if fd < 0 { throw SystemError(.open, subject: path) }
    }

    public func write(_ bytes: [UInt8]) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buf in systemWrite(fd, buf.baseAddress! + done, buf.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError(.write, subject: path)
            }
            done += n
        }
    }

    public func close() throws(SystemError) {
        guard fd >= 0 else { return }
        let r = systemClose(fd)
        fd = -1
        if r != 0 { throw SystemError(.close, subject: path) }
    }

    deinit { if fd >= 0 { _ = systemClose(fd) } }
}
