import Foundation
import LoaCore
import LoaL10n
import LoaSystem

/// Where the daemon of a station listens for `loa emergency` and the other commands (HTTP, SPEC §7; LoaStationWeb
/// serves and speaks it). The path is derived from the station id so the operator names only the station.
public enum ControlSocket {
    /// Folders tried in order: `$LOA_RUNTIME_DIR`, `/run/loa` (systemd's RuntimeDirectory), `$XDG_RUNTIME_DIR/loa`,
    /// `/tmp/loa-UID`.
    public static func directories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var dirs: [String] = []
        if let d = environment["LOA_RUNTIME_DIR"], !d.isEmpty { dirs.append(d) }
        dirs.append("/run/loa")
        if let x = environment["XDG_RUNTIME_DIR"], !x.isEmpty { dirs.append(x + "/loa") }
        dirs.append("/tmp/loa-\(ProcessIdentity.userID)")
        return dirs
    }

    /// The path a daemon listens on: the first folder it can create or write.
    public static func listenPath(station: String, explicit: String? = nil) -> String {
        if let explicit { return explicit }
        for dir in directories() {
            if !FileManager.default.fileExists(atPath: dir) {
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o750])
                try? FileStatus.setPermissions(dir, 0o750)   // the umask may have taken bits off, never added
            }
            // A folder someone else owns, or others may write, is passed over: they could swap the socket.
            if FileStatus.isWritable(dir), isSafeFolder(dir) { return dir + "/\(station).sock" }
        }
        return "/tmp/loa-\(station).sock"
    }

    /// The paths a client tries, in order (only those that exist), so a daemon under systemd and one run by hand
    /// are both found.
    public static func candidatePaths(station: String, explicit: String? = nil) -> [String] {
        if let explicit { return [explicit] }
        return directories().map { $0 + "/\(station).sock" }
    }

    /// The folder of a socket is safe when it is a real folder owned by this user (or root) that nobody else may
    /// write to: then no other user can plant a socket there or swap ours.
    public static func isSafeFolder(_ dir: String) -> Bool {
        guard Ownership.isDirectory(dir), let o = Ownership.of(dir) else { return false }
        return (o.userID == ProcessIdentity.userID || o.userID == 0) && o.mode & 0o022 == 0
    }
}

/// Why the control socket could not serve or reach a daemon.
public struct ControlError: LoaError {
    public enum Kind: Sendable, Hashable {
        case unreadableAudio
        case noAnswer
        /// The daemon did not answer within this many seconds.
        case timedOut(seconds: Int)
        /// The socket's owner is not the user its folder belongs to: someone else's process answers there.
        case untrustedPeer(userID: UInt32)
        /// The daemon answered with an error status.
        case refused(status: Int, message: String)
        case cannotConnect(SystemError)
        case cannotListen(SystemError)
        case alreadyRunning
        case noDaemon(station: String, looked: [String])
        case system(SystemError)
    }
    public let kind: Kind
    /// The socket path, or the file or station involved.
    public let subject: String
    public init(_ kind: Kind, subject: String) { self.kind = kind; self.subject = subject }

    public var localized: Localized {
        switch kind {
        case .unreadableAudio:
            return Localized(vi: "không đọc được \(subject)", en: "cannot read \(subject)")
        case .noAnswer:
            return Localized(vi: "trình phát không trả lời qua \(subject)", en: "no answer from the daemon on \(subject)")
        case .timedOut(let seconds):
            return Localized(vi: "trình phát không trả lời trong \(seconds) giây qua \(subject)",
                             en: "the daemon did not answer within \(seconds) s on \(subject)")
        case .untrustedPeer(let uid):
            return Localized(vi: "tiến trình trên \(subject) thuộc người dùng \(uid), không phải trình phát của đài: không gửi gì",
                             en: "the process on \(subject) belongs to user \(uid), not the station's daemon: nothing sent")
        case .refused(let status, let message):
            return Localized(vi: "trình phát từ chối (\(status)): \(message)", en: "the daemon refused (\(status)): \(message)")
        case .cannotConnect(let e):
            return Localized(vi: "\(e.localized.vi) (trình phát có đang chạy không?)",
                             en: "\(e.localized.en) (is the daemon running?)")
        case .cannotListen(let e), .system(let e):
            return e.localized
        case .alreadyRunning:
            return Localized(vi: "một trình phát khác đang chạy trên \(subject)",
                             en: "another daemon is already listening on \(subject)")
        case .noDaemon(let station, let looked):
            let list = looked.joined(separator: ", ")
            return Localized(vi: "không có trình phát nào đang chạy cho đài \(station) (đã tìm: \(list))",
                             en: "no daemon is running for station \(station) (looked for: \(list))")
        }
    }
}

