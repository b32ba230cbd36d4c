import Foundation
import LoaAudio
import LoaL10n
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the daemon of a station listens for `loa emergency`, and how to talk to it: one JSON line each way over a
/// Unix socket. The path is derived from the station id so the operator names only the station.
public enum ControlSocket {
    /// Folders tried in order: `$LOA_RUNTIME_DIR`, `/run/loa` (systemd's RuntimeDirectory), `$XDG_RUNTIME_DIR/loa`,
    /// `/tmp/loa-UID`.
    public static func directories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var dirs: [String] = []
        if let d = environment["LOA_RUNTIME_DIR"], !d.isEmpty { dirs.append(d) }
        dirs.append("/run/loa")
        if let x = environment["XDG_RUNTIME_DIR"], !x.isEmpty { dirs.append(x + "/loa") }
        dirs.append("/tmp/loa-\(getuid())")
        return dirs
    }

    /// The path a daemon listens on: the first folder it can create or write.
    public static func listenPath(station: String, explicit: String? = nil) -> String {
        if let explicit { return explicit }
        for dir in directories() {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o750])
            if access(dir, W_OK) == 0 { return dir + "/\(station).sock" }
        }
        return "/tmp/loa-\(station).sock"
    }

    /// The paths a client tries, in order (only those that exist), so a daemon under systemd and one run by hand
    /// are both found.
    public static func candidatePaths(station: String, explicit: String? = nil) -> [String] {
        if let explicit { return [explicit] }
        return directories().map { $0 + "/\(station).sock" }
    }

    /// One JSON line; with `bytes`, that many bytes of the file follow it. Sending the bytes, not just the path,
    /// lets a daemon under its own user (systemd, ProtectHome) air a file from the operator's home folder.
    struct Wire: Codable { var audio: String; var title: String?; var bytes: Int? }

    /// Sends an emergency to the daemon of `station` and waits for its answer (the `started` event is durable).
    public static func sendEmergency(_ request: EmergencyRequest, station: String, explicit: String? = nil,
                                     timeout: TimeInterval = 30) throws -> EmergencyReply {
        let paths = candidatePaths(station: station, explicit: explicit)
        var lastError: String?
        for path in paths where FileManager.default.fileExists(atPath: path) {
            do {
                let fd = try connect(path)
                defer { close(fd) }
                guard let body = try? Data(contentsOf: request.audio) else {
                    throw ControlError(tr("không đọc được \(request.audio.path)", "cannot read \(request.audio.path)"))
                }
                var timeoutValue = timeval(tv_sec: Int(timeout), tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
                var line = try JSONEncoder().encode(Wire(audio: request.audio.path, title: request.title,
                                                         bytes: body.count))
                line.append(0x0A)
                try writeAll(fd, line + body)
                guard let answer = readLine(fd, limit: 1 << 16) else {
                    throw ControlError(tr("trình phát không trả lời qua \(path)", "no answer from the daemon on \(path)"))
                }
                return try JSONDecoder().decode(EmergencyReply.self, from: answer)
            } catch let e as ControlError {
                lastError = e.message
            }
        }
        throw ControlError(lastError ?? tr(
            "không có trình phát nào đang chạy cho đài \(station) (đã tìm: \(paths.joined(separator: ", ")))",
            "no daemon is running for station \(station) (looked for: \(paths.joined(separator: ", ")))"))
    }

    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlError("socket: \(String(cString: strerror(errno)))") }
        var addr = try address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let why = String(cString: strerror(errno))
            close(fd)
            throw ControlError(tr("không kết nối được \(path): \(why) (trình phát có đang chạy không?)",
                                  "cannot connect to \(path): \(why) (is the daemon running?)"))
        }
        return fd
    }

    static func address(_ path: String) throws -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else {
            throw ControlError(tr("đường dẫn socket quá dài: \(path)", "socket path too long: \(path)"))
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    static func writeAll(_ fd: Int32, _ data: Data) throws {
        var offset = 0
        while offset < data.count {
            // MSG_NOSIGNAL: a peer that hung up must give an error here, not kill the process with SIGPIPE.
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw ControlError("write: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads exactly `count` bytes; nil on timeout, error or early end.
    static func readExactly(_ fd: Int32, _ count: Int) -> Data? {
        var data = Data(count: count)
        var offset = 0
        while offset < count {
            let n = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, min(count - offset, 1 << 20)) }
            if n <= 0 { return nil }
            offset += n
        }
        return data
    }

    /// Reads up to the first newline (or end); nil on timeout, error or an over-long line.
    static func readLine(_ fd: Int32, limit: Int) -> Data? {
        var data = Data()
        var byte: UInt8 = 0
        while data.count < limit {
            let n = read(fd, &byte, 1)
            if n <= 0 { return data.isEmpty ? nil : data }
            if byte == 0x0A { return data }
            data.append(byte)
        }
        return nil
    }
}

public struct ControlError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The daemon's side: accepts one request per connection on its own thread and answers when the engine has.
public final class ControlServer: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let handler: @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void
    private let closed = Locked(false)
    /// Where bulletins sent as bytes are kept (the log names the copy); nil airs the client's path as given.
    private let spool: URL?

    public init(path: String, spool: URL? = nil,
                handler: @escaping @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void)
        throws {
        self.path = path; self.handler = handler; self.spool = spool
        if FileManager.default.fileExists(atPath: path) {
            // A socket that answers belongs to a live daemon; one that does not is left over from a crash.
            if let probe = try? ControlSocket.connect(path) {
                Glibc.close(probe)
                throw ControlError(tr("một trình phát khác đang chạy trên \(path)",
                                      "another daemon is already listening on \(path)"))
            }
            unlink(path)
        }
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw ControlError("socket: \(String(cString: strerror(errno)))") }
        var addr = try ControlSocket.address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(s, 8) == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(s)
            throw ControlError(tr("không mở được socket \(path): \(why)", "cannot listen on \(path): \(why)"))
        }
        chmod(path, 0o660)
        fd = s
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loa-control"
        thread.start()
    }

    public func close() {
        guard !closed.withLock({ c in defer { c = true }; return c }) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        unlink(path)
    }

    private func acceptLoop() {
        while !closed.current {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let handler = self.handler, spool = self.spool
            Thread.detachNewThread { ControlServer.serve(client, spool: spool, handler: handler) }
        }
    }

    /// Keeps a received bulletin in the spool folder as `SHA256.ext` (the name is its content hash, as in the
    /// speech cache); nil when it cannot.
    private static func store(_ body: Data, like name: String, in spool: URL) -> URL? {
        let ext = URL(fileURLWithPath: name).pathExtension
        let incoming = spool.appendingPathComponent(".incoming-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
            try body.write(to: incoming, options: .atomic)
            let sha = try ContentHash.sha256(of: incoming)
            let url = spool.appendingPathComponent("\(sha).\(ext.isEmpty ? "wav" : ext)")
            if FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.removeItem(at: incoming)
            } else {
                try FileManager.default.moveItem(at: incoming, to: url)
            }
            return url
        } catch {
            try? FileManager.default.removeItem(at: incoming)
            return nil
        }
    }

    private static func serve(_ client: Int32, spool: URL?,
                              handler: @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void) {
        defer { Glibc.close(client) }
        var timeoutValue = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        let reply: EmergencyReply
        var audio: URL?
        var wire: ControlSocket.Wire?
        if let line = ControlSocket.readLine(client, limit: 1 << 16),
           let w = try? JSONDecoder().decode(ControlSocket.Wire.self, from: line), w.audio.hasPrefix("/") {
            wire = w
            audio = URL(fileURLWithPath: w.audio)
            if let n = w.bytes {
                // A bulletin is seconds to minutes of audio; 512 MiB is far beyond any real one.
                let body = (1...(512 << 20)).contains(n) ? ControlSocket.readExactly(client, n) : nil
                if let spool { audio = body.flatMap { store($0, like: w.audio, in: spool) } }
            }
        }
        if let wire, let audio {
            let answer = Locked<EmergencyReply?>(nil)
            let done = DispatchSemaphore(value: 0)
            handler(EmergencyRequest(audio: audio, title: wire.title)) { r in
                answer.withLock { $0 = r }
                done.signal()
            }
            if done.wait(timeout: .now() + 60) == .timedOut {
                reply = EmergencyReply(ok: false, error: tr("trình phát không trả lời kịp", "the daemon did not answer in time"))
            } else {
                reply = answer.current ?? EmergencyReply(ok: false)
            }
        } else {
            reply = EmergencyReply(ok: false, error: tr("yêu cầu không hợp lệ", "malformed request"))
        }
        if var data = try? JSONEncoder().encode(reply) {
            data.append(0x0A)
            try? ControlSocket.writeAll(client, data)
        }
    }
}
