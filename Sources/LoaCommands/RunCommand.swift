import LoaCore
import ArgumentParser
import Foundation
import LoaAudio
import LoaL10n
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule

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
    @Flag(name: .shortAndLong, help: "Print only problems, not every airing.") var quiet = false
    @OptionGroup var hubOptions: RunHubOptions

    public init() {}

    public func validate() throws {
        try hubOptions.validate(plan: plan)
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
    }

    public func run() throws {
        let logPath = log ?? "loa-\(station).sqlite"
        let hubLink = try hubOptions.link(station: station, logPath: logPath)
        let planPath = plan
        var configuration = StationConfiguration(station: station, log: .file(logPath)) {
            try loadValidPlan(path: try hubLink?.planPath() ?? planPath ?? "")
        }
        configuration.schedule = schedule.map { .file(URL(fileURLWithPath: $0)) } ?? .plan
        configuration.sink = .device(device)
        if clock == .simulated, let from = from.flatMap(CivilDate.init), let to = to.flatMap(CivilDate.init) {
            configuration.clock = .simulated(from: from, to: to)
        }
        if clock == .real || socket != nil {
            configuration.controlSocket = ControlSocket.listenPath(station: station, explicit: socket)
            // Bulletins arrive as bytes and are kept next to the log, readable by the daemon's own user.
            configuration.spool = URL(fileURLWithPath: logPath).deletingLastPathComponent()
                .appendingPathComponent("emergency")
        }
        if quiet { configuration.engine.report = { _ in } }

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
        let signals = daemon.handleSignals()
        defer { signals.forEach { $0.cancel() } }
        let syncing = hubLink?.start(daemon: daemon, report: configuration.engine.report)
        let stats: EngineStats
        do { stats = try daemon.run() } catch { throw failure(error.description) }
        syncing?.finish()
        if !stats.logErrors.isEmpty { throw ExitCode(1) }
    }
}

func printErr(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Prints the message; the caller throws the result, so the command exits with status 1 (the work failed).
func failure(_ message: String) -> ExitCode {
    printErr(message)
    return ExitCode(1)
}
