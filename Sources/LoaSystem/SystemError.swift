import LoaCore
import LoaL10n
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which one, on what, and the C library's `errno` with its message.
public struct SystemError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case open, read, write, close, stat, socket, connect, bind, listen, accept, permissions, remove, timeout
        /// `pthread_setschedparam` refused (EPERM: no CAP_SYS_NICE and `RLIMIT_RTPRIO` too low).
        case scheduling
    }
    public var kind: Kind
    /// The file or socket path involved.
    public var subject: String
    public var code: Int32
    /// `strerror(code)`, verbatim.
    public var systemMessage: String

    public init(_ kind: Kind, subject: String, code: Int32 = errno) {
        self.kind = kind; self.subject = subject; self.code = code
        systemMessage = code == 0 ? "" : String(cString: strerror(code))
    }

    /// The error code's own constant, e.g. `ENOENT`, for callers that decide on it.
    public var isNotFound: Bool { code == ENOENT }

    public var localized: Localized {
        let (vi, en): (String, String) = switch kind {
        case .open: ("không mở được", "cannot open")
        case .read: ("không đọc được", "cannot read")
        case .write: ("không ghi được", "cannot write")
        case .close: ("không đóng được", "cannot close")
        case .stat: ("không xem được thông tin tệp", "cannot inspect")
        case .socket: ("không tạo được socket", "cannot create a socket")
        case .connect: ("không kết nối được", "cannot connect to")
        case .bind, .listen: ("không mở được socket", "cannot listen on")
        case .accept: ("không nhận được kết nối", "cannot accept a connection on")
        case .permissions: ("không đặt được quyền", "cannot set permissions of")
        case .remove: ("không xoá được", "cannot remove")
        case .timeout: ("hết thời gian chờ", "timed out on")
        case .scheduling: ("không đặt được ưu tiên thời gian thực cho", "cannot set real-time priority of")
        }
        let why = systemMessage.isEmpty ? "" : ": \(systemMessage)"
        return Localized(vi: "\(vi) \(subject)\(why)", en: "\(en) \(subject)\(why)")
    }
}

/// The process's own identity.
public enum ProcessIdentity {
    public static var userID: UInt32 { getuid() }
}
