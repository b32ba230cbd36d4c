import Foundation
import Hummingbird
import LoaCore
import Logging

/// Runs the hub's HTTP server (Hummingbird 2) on `host:port` until the task is cancelled or SIGTERM/SIGINT.
/// `onRunning` gets the bound port (port 0 picks a free one, as the tests do).
public enum HubServer {
    public static func run(_ hub: HubService, host: String, port: Int, gracefulShutdownSignals: Bool = true,
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: HubRoutes.router(hub),
            configuration: .init(address: .hostname(host, port: port), serverName: "loa-hub"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger(gracefulShutdownSignals ? .warning : .critical))
        let followerLogger = logger(gracefulShutdownSignals ? .warning : .critical)
        let following = Task { await hub.followOtherHubProcesses(logger: followerLogger) }
        defer { following.cancel() }
        try await app.runService(gracefulShutdownSignals: gracefulShutdownSignals ? [.sigterm, .sigint] : [])
    }

    /// The server's own log lines: warnings for `loa hub serve`; in-process hubs (tests, bench) stop by cancellation,
    /// which Hummingbird reports as errors, so they keep quiet.
    static func logger(_ level: Logger.Level) -> Logger {
        var logger = Logger(label: "loa-hub")
        logger.logLevel = level
        return logger
    }

    /// `HOST:PORT` → its parts (no host: loopback); nil when malformed.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        HostPort(text).map { ($0.host.isEmpty ? "127.0.0.1" : $0.host, $0.port) }
    }
}
