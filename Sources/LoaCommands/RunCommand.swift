import LoaCore
import ArgumentParser
import Foundation
import LoaAudio
import LoaL10n
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule
import LoaStationWeb

/// `loa run PLAN --station ID`: the station daemon. Keeps today's and tomorrow's schedule, airs each slot on time,
/// logs every airing, takes emergencies over its socket; SIGHUP reloads the plan, SIGTERM stops cleanly.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the station daemon: air the plan's schedule on time and log every airing.")

    public enum ClockKind: String, ExpressibleByArgument, Sendable { case real, simulated }

    @Argument(help: "The plan file (YAML); omit it with --hub, which serves the plan.") var plan: String?
    @Option(help: "The station to air.") var station: String
    @Option(help: "ALSA PCM device (default: the station's `output`, else `default`; `null` when simulated).")
    var device: String?
    @Option(help: "The airing log, an SQLite file (default: loa-STATION.sqlite).") var log: String?
    @Option(help: "`real`, or `simulated` to run --from … --to … as fast as the machine allows.")
    var clock: ClockKind = .real
    @Option(help: "First day of a simulated run (YYYY-MM-DD).") var from: String?
    @Option(help: "Last day of a simulated run (YYYY-MM-DD).") var to: String?
    @Option(help: "Air this schedule.jsonl (from `loa schedule`) instead of scheduling the plan.") var schedule: String?
    @Option(help: "Control socket for `loa emergency` (default: derived from the station id).") var socket: String?
    @Option(help: "Largest bulletin or announcement upload, in MB (1–1024).") var maxBulletinMb: Int = 64
    @Option(help: "Longest bulletin or announcement, in minutes (1–240).") var maxBulletinMinutes: Int = 10
    @Option(help: "Also serve the operator's page and API over TCP at HOST:PORT (e.g. 0.0.0.0:8080).") var http: String?
    @Option(help: "With --http: serve HTTPS with this certificate (PEM), so browsers allow the page to record.")
    var tlsCert: String?
    @Option(help: "With --http: the private key (PEM) of --tls-cert.") var tlsKey: String?
    @Option(help: "The box's state folder: station.key, the `loa passwd` password, received bulletins (default: the log's folder).")
    var state: String?
    @Flag(name: .shortAndLong, help: "Print only problems, not every airing.") var quiet = false
    @Flag(inversion: .prefixedNo, help: "Run the playout thread at real-time priority (SCHED_FIFO 20) when the system allows it (CAP_SYS_NICE or LimitRTPRIO); refused, it airs at normal priority.")
    var realtime = true
    @Flag(help: "Close the audio device between items instead of keeping it open on silence (standby).")
    var noStandby = false
    @OptionGroup var hubOptions: RunHubOptions

    public init() {}

    public func validate() throws {
        try hubOptions.validate(plan: plan)
        guard (1...1024).contains(maxBulletinMb), (1...240).contains(maxBulletinMinutes) else {
            throw ValidationError(tr("--max-bulletin-mb từ 1 đến 1024, --max-bulletin-minutes từ 1 đến 240",
                                     "--max-bulletin-mb must be 1–1024 and --max-bulletin-minutes 1–240"))
        }
        if clock == .simulated {
            guard let from, let to else {
                throw ValidationError(tr("--clock simulated cần --from và --to", "--clock simulated needs --from and --to"))
            }
            guard let f = CivilDate(from), let t = CivilDate(to), f <= t else {
                throw ValidationError(tr("--from/--to phải là ngày YYYY-MM-DD, --from không sau --to",
                                         "--from/--to must be YYYY-MM-DD dates, --from not after --to"))
            }
        } else if from != nil || to != nil {
            throw ValidationError(tr("--from/--to chỉ dùng với --clock simulated", "--from/--to need --clock simulated"))
        }
        if (tlsCert == nil) != (tlsKey == nil) || (tlsCert != nil && http == nil) {
            throw ValidationError(tr("--tls-cert và --tls-key đi cùng nhau, và cần --http",
                                     "--tls-cert and --tls-key go together, and need --http"))
        }
        if let http, Self.hostPort(http) == nil {
            throw ValidationError(tr("--http phải có dạng HOST:PORT", "--http must be HOST:PORT"))
        }
    }

    public func run() throws {
        let logPath = log ?? "loa-\(station).sqlite"
        let stateFolder = URL(fileURLWithPath: state ?? URL(fileURLWithPath: logPath).deletingLastPathComponent().path)
        let alertLink = try hubOptions.alertLink(station: station, stateFolder: stateFolder, report: printErr)
        let hubLink = try hubOptions.link(station: station, logPath: logPath, stateFolder: stateFolder,
                                          alsoEachRound: alertLink?.poll)
        let planPath = plan
        // The station's own slot times and announcements (the page writes them) are laid over the plan.
        let localFile = stateFolder.appendingPathComponent("local.yaml"), stationID = station
        var configuration = StationConfiguration(station: station, log: .file(logPath)) {
            try loadValidPlan(path: hubLink?.planPath ?? planPath ?? "", local: localFile, station: stationID)
        }
        configuration.schedule = schedule.map { .file(URL(fileURLWithPath: $0)) } ?? .plan
        configuration.sink = .device(device)
        configuration.deviceStandby = !noStandby
        configuration.stateFolder = state.map { URL(fileURLWithPath: $0) }
        configuration.alertAudio = alertLink?.fetch
        if clock == .simulated, let from = from.flatMap(CivilDate.init), let to = to.flatMap(CivilDate.init) {
            configuration.clock = .simulated(from: from, to: to)
        }
        if clock == .real || socket != nil {
            configuration.controlSocket = ControlSocket.listenPath(station: station, explicit: socket)
            // Bulletins arrive as bytes and are kept next to the log, readable by the daemon's own user.
            configuration.spool = stateFolder.appendingPathComponent("emergency")
        }
        let address = http.flatMap(Self.hostPort)
        if configuration.controlSocket != nil || address != nil {
            let station = station, socketPath = configuration.controlSocket
            let tls = tlsCert.flatMap { cert in tlsKey.map { TLSFiles(certificate: cert, key: $0) } }
            let limits = WebLimits(audioBytes: maxBulletinMb << 20, audioSeconds: Double(maxBulletinMinutes * 60))
            let spool = configuration.spool ?? stateFolder.appendingPathComponent("emergency")
            let access = OperatorAccess(passwordFile: OperatorAccess.passwordFile(state: stateFolder, station: station),
                                        report: configuration.engine.problem)
            configuration.control = { daemon in
                var options = StationWebServer.Options(socketPath: socketPath, http: address, spool: spool, access: access)
                options.limits = limits
                options.localFile = localFile
                options.tls = tls
                return try StationWebServer(daemon: daemon, options: options)
            }
        }
        if quiet { configuration.engine.report = { _ in } }
        if !realtime { configuration.engine.realtime = .off }

        let daemon: StationDaemon
        do { daemon = try StationDaemon(configuration) } catch {
            if case .plan = error.kind { throw ExitCode(1) }   // loadValidPlan printed why
            throw failure(error.description)
        }
        if let socketPath = configuration.controlSocket {
            configuration.engine.report(tr(
                "loa: đài \(station) phát trên \(daemon.output), nhật ký \(logPath), khẩn cấp qua \(socketPath)",
                "loa: station \(station) on \(daemon.output), log \(logPath), emergencies on \(socketPath)"))
        }
        if let http {
            let scheme = tlsCert == nil ? "http" : "https"
            configuration.engine.report(tr("loa: trang vận hành tại \(scheme)://\(http)/", "loa: operator's page at \(scheme)://\(http)/"))
        }
        let signals = daemon.handleSignals()
        defer { signals.forEach { $0.cancel() } }
        let syncing = hubLink?.start(reload: { _ = daemon.reload() }, report: configuration.engine.report,
                                     status: { daemon.status() })
        // Each logged row wakes the pusher, so the hub has it within about a second rather than at the next sweep.
        if let hubLink { _ = daemon.feed.subscribe { _ in hubLink.wake() } }
        alertLink?.start(feeding: daemon.alerts)
        defer { alertLink?.stop() }
        let stats: EngineStats
        do { stats = try daemon.run() } catch { throw failure(error.description) }
        syncing?.finish(report: printErr)
        // Exit 1 only when evidence is still missing at stop (it was printed above), not for an outage recovered from.
        if !stats.everythingLogged { throw ExitCode(1) }
    }
}

extension RunCommand {
    /// `HOST:PORT` (the host may be an IPv6 address in brackets); a host is required.
    static func hostPort(_ text: String) -> (host: String, port: Int)? {
        HostPort(text).flatMap { $0.host.isEmpty ? nil : ($0.host, $0.port) }
    }
}

func printErr(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Prints the message; the caller throws the result, so the command exits with status 1 (the work failed).
func failure(_ message: String) -> ExitCode {
    printErr(message)
    return ExitCode(1)
}
