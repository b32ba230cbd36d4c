import Foundation
import LoaAudio
import LoaCore
import LoaL10n
import LoaSystem

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
        dirs.append("/tmp/loa-\(ProcessIdentity.userID)")
        return dirs
    }

    /// The path a daemon listens on: the first folder it can create or write.
    public static func listenPath(station: String, explicit: String? = nil) -> String {
        if let explicit { return explicit }
        for dir in directories() {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o750])
            if FileStatus.isWritable(dir) { return dir + "/\(station).sock" }
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
        var lastError: ControlError?
        for path in paths where FileManager.default.fileExists(atPath: path) {
            do {
                let socket = try connect(path)
                defer { socket.close() }
                guard let body = try? Data(contentsOf: request.audio) else {
                    throw ControlError(.unreadableAudio, subject: request.audio.path)
                }
                socket.setReceiveTimeout(seconds: Int(timeout))
                var line = try JSONEncoder().encode(Wire(audio: request.audio.path, title: request.title,
                                                         bytes: body.count))
                line.append(0x0A)
                do { try socket.send(line + body) } catch { throw ControlError(.system(error), subject: path) }
                guard let answer = socket.readLine(limit: 1 << 16) else { throw ControlError(.noAnswer, subject: path) }
                return try JSONDecoder().decode(EmergencyReply.self, from: answer)
            } catch let e as ControlError {
                lastError = e
            }
        }
        throw lastError ?? ControlError(.noDaemon(station: station, looked: paths), subject: station)
    }

    static func connect(_ path: String) throws(ControlError) -> UnixSocket {
        do { return try UnixSocket.connect(to: path) } catch { throw ControlError(.cannotConnect(error), subject: path) }
    }
}

/// Why the control socket could not serve or reach a daemon.
public struct ControlError: LoaError {
    public enum Kind: Sendable, Hashable {
        case unreadableAudio
        case noAnswer
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

/// The daemon's side: accepts one request per connection on its own thread and answers when the engine has.
public final class ControlServer: @unchecked Sendable {
    public let path: String
    private let socket: UnixSocket
    private let handler: @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void
    private let closed = Locked(false)
    /// Where bulletins sent as bytes are kept (the log names the copy); nil airs the client's path as given.
    private let spool: URL?

    public init(path: String, spool: URL? = nil,
                handler: @escaping @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void)
        throws(ControlError) {
        self.path = path; self.handler = handler; self.spool = spool
        if FileManager.default.fileExists(atPath: path) {
            // A socket that answers belongs to a live daemon; one that does not is left over from a crash.
            if let probe = try? UnixSocket.connect(to: path) {
                probe.close()
                throw ControlError(.alreadyRunning, subject: path)
            }
            try? FileStatus.remove(path)
        }
        do { socket = try UnixSocket.listen(at: path) } catch { throw ControlError(.cannotListen(error), subject: path) }
        try? FileStatus.setPermissions(path, 0o660)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loa-control"
        thread.start()
    }

    public func close() {
        guard !closed.withLock({ c in defer { c = true }; return c }) else { return }
        socket.shutdown()
        socket.close()
        try? FileStatus.remove(path)
    }

    private func acceptLoop() {
        while !closed.current {
            guard let client = try? socket.accept() else { return }
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

    private static func serve(_ client: UnixSocket, spool: URL?,
                              handler: @Sendable (EmergencyRequest, @escaping @Sendable (EmergencyReply) -> Void) -> Void) {
        defer { client.close() }
        client.setReceiveTimeout(seconds: 5)
        let reply: EmergencyReply
        var audio: URL?
        var wire: ControlSocket.Wire?
        if let line = client.readLine(limit: 1 << 16),
           let w = try? JSONDecoder().decode(ControlSocket.Wire.self, from: line), w.audio.hasPrefix("/") {
            wire = w
            audio = URL(fileURLWithPath: w.audio)
            if let n = w.bytes {
                // A bulletin is seconds to minutes of audio; 512 MiB is far beyond any real one.
                let body = (1...(512 << 20)).contains(n) ? client.readExactly(n) : nil
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
            try? client.send(data)
        }
    }
}
