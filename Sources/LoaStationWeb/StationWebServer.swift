import Foundation
import HTTPTypes
import Hummingbird
import LoaCore
import LoaL10n
import LoaPlayout
import LoaSystem
import Logging
import NIOCore

/// Each request knows whether it came over TCP (sign-in needed) or the Unix socket, and from which address.
struct StationContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address over TCP; nil over the Unix socket.
    let remoteIP: String?
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let address = source.channel.remoteAddress
        remoteIP = address?.protocol == .unix ? nil : (address?.ipAddress ?? "?")
    }
    /// Bodies are read explicitly with their own limits (`Limits`); this caps anything decoded.
    var maxUploadSize: Int { 64 << 10 }
}

/// The sizes the API takes; above them a request gets 413 and a sentence naming the limit.
public struct WebLimits: Sendable {
    /// An uploaded bulletin (a long one at high quality is tens of MB).
    public var audioBytes = 64 << 20
    /// Seconds of audio in a bulletin or an announcement, uploaded or read from text.
    public var audioSeconds: Double = 600
    /// Characters of text for speech.
    public var textCharacters = 4_000
    public init() {}
    public init(audioBytes: Int, audioSeconds: Double) { self.audioBytes = audioBytes; self.audioSeconds = audioSeconds }
}

/// The station's HTTP face (SPEC §7): the control API on the daemon's Unix socket and, with `--http`, the page and
/// the API over TCP behind a password. Built by `StationConfiguration.control` once the daemon exists.
public final class StationWebServer: ControlSurface, @unchecked Sendable {
    public struct Options: Sendable {
        /// The Unix socket (always; `loa emergency` uses it).
        public var socketPath: String?
        /// `HOST:PORT` for operators' browsers.
        public var http: (host: String, port: Int)?
        /// Where uploaded bulletins are kept (the log names the copy).
        public var spool: URL
        public var access: OperatorAccess?
        public var limits = WebLimits()
        /// The station's `local.yaml` (announcements and slot times); nil: those endpoints answer 404.
        public var localFile: URL?
        /// Serve the TCP side over HTTPS with these files (the Unix socket stays plain).
        public var tls: TLSFiles?
        public init(socketPath: String?, http: (host: String, port: Int)?, spool: URL, access: OperatorAccess?) {
            self.socketPath = socketPath; self.http = http; self.spool = spool; self.access = access
        }
    }

    public let options: Options
    let daemon: StationDaemon
    private var tasks: [Task<Void, any Error>] = []
    /// One change to `local.yaml` at a time, over both transports.
    let edits = Locked(0)
    /// The TCP port actually bound (useful with port 0).
    public private(set) var httpPort: Int?

    public init(daemon: StationDaemon, options: Options) throws {
        self.daemon = daemon; self.options = options
        if let path = options.socketPath {
            try Self.claim(path)
            // The spool keeps what the log names; uploads refused, half-written or never logged go.
            if let named = daemon.emergencyAudioInLog() {
                Spool.sweep(options.spool, keep: named)
            }
            try start(.unixDomainSocket(path: path), tcp: false, subject: path)
            try? FileStatus.setPermissions(path, 0o660)   // the daemon's group (operators) may connect, nobody else
        }
        if let http = options.http {
            do {
                httpPort = try start(.hostname(http.host, port: http.port), tcp: true, subject: "\(http.host):\(http.port)")
            } catch {
                close()   // the socket side already listens
                throw error
            }
        }
    }

    /// A socket that answers belongs to a live daemon; one that does not is left over from a crash.
    static func claim(_ path: String) throws(ControlError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        if let probe = try? UnixSocket.connect(to: path) {
            probe.close()
            throw ControlError(.alreadyRunning, subject: path)
        }
        try? FileStatus.remove(path)
    }

    @discardableResult
    private func start(_ address: BindAddress, tcp: Bool, subject: String) throws -> Int? {
        let router = Router(context: StationContext.self)
        if tcp, let access = options.access { router.add(middleware: SignInGate(access: access)) }
        let api = StationAPI(daemon: daemon, options: options)
        api.register(on: router)
        if let local = options.localFile {
            LocalRoutes(daemon: daemon, file: local, limits: options.limits, edits: edits).register(on: router)
        }
        let id = daemon.configuration.station
        PageRoutes(access: tcp ? options.access : nil, station: id,
                   stationName: daemon.plan.station(id)?.name ?? id).register(on: router)
        let started = DispatchSemaphore(value: 0)
        let bound = Locked<Int?>(nil)
        // Stopping cancels the server, which Hummingbird logs as errors; the daemon reports its own problems.
        var logger = Logger(label: "loa-web")
        logger.logLevel = .critical
        let server = try tcp ? options.tls.map { try $0.server() } ?? .http1() : .http1()
        let app = Application(router: router, server: server, configuration: .init(address: address, serverName: "loa"),
                              onServerRunning: { channel in
                                  bound.withLock { $0 = channel.localAddress?.port }
                                  started.signal()
                              }, logger: logger)
        let failure = Locked<(any Error)?>(nil)
        let task = Task {
            do { try await app.runService(gracefulShutdownSignals: []) } catch {
                failure.withLock { $0 = error }
                started.signal()
                throw error
            }
        }
        tasks.append(task)
        if started.wait(timeout: .now() + 10) == .timedOut || failure.current != nil {
            close()
            throw ControlError(.cannotListen(SystemError(.bind, subject: subject, code: 0)), subject: subject)
        }
        return bound.current
    }

    public func close() {
        for t in tasks { t.cancel() }
        tasks = []
        if let path = options.socketPath { try? FileStatus.remove(path) }
    }
}

/// Over TCP, everything but the page, its sign-in and logout needs a live session; form posts also need the
/// session's CSRF token in `X-CSRF-Token`.
struct SignInGate: RouterMiddleware {
    typealias Context = StationContext
    let access: OperatorAccess

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/" || path == "/api/v1/login" || path == "/api/v1/logout" {
            return try await next(request, context)
        }
        guard let csrf = access.session(request.cookies["loa_session"]?.value) else {
            return WebReply.error(.unauthorized, vi: "Cần đăng nhập", en: "Sign-in required")
        }
        if request.method != .get && request.method != .head && request.headers[.csrfToken] != csrf {
            return WebReply.error(.forbidden, vi: "Thiếu mã chống giả mạo (CSRF) của phiên",
                                  en: "The session's anti-forgery (CSRF) token is missing or wrong")
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
    static let loaTitle = Self("X-Loa-Title")!
}

/// JSON answers and errors in both languages.
enum WebReply {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct Failure: Encodable { var error: String; var vi: String; var en: String }

    /// `{error, vi, en}`: `error` in English for scripts, both sentences for people.
    static func error(_ status: HTTPResponse.Status, vi: String, en: String) -> Response {
        json(Failure(error: en, vi: vi, en: en), status: status)
    }
}
