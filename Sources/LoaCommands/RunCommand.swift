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

    @Argument(help: "The plan file (YAML).") var plan: String
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

    public init() {}

    public func validate() throws {
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
        let loaded = try loadValidPlan(path: plan)
        guard let stationSpec = loaded.station(station) else {
            throw failure(tr("không có đài \(station) trong kế hoạch \(plan)", "no station \(station) in plan \(plan)"))
        }
        let slots = try stationSchedule(loaded)
        let logPath = log ?? "loa-\(station).sqlite"
        let recorder: AiringLog
        do { recorder = try AiringLog(path: logPath) } catch {
            throw failure(tr("không mở được nhật ký phát \(logPath): \(error)", "cannot open the airing log \(logPath): \(error)"))
        }
        let simulated = clock == .simulated
        let sink = PlayerSink(device: device ?? (simulated ? "null" : stationSpec.output ?? "default"))
        var options = EngineOptions(station: station)
        let playoutClock: any PlayoutClock
        if simulated, let from = from.flatMap(CivilDate.init), let to = to.flatMap(CivilDate.init) {
            let start = startOfDay(from, loaded.timezone), end = startOfDay(to.adding(days: 1), loaded.timezone)
            playoutClock = SimulatedClock(start: start)
            options.until = end; options.lower = start
        } else {
            playoutClock = SystemClock()
        }
        if quiet { options.report = { _ in } }
        let engine = PlayoutEngine(plan: loaded, schedule: slots, options: options, clock: playoutClock, sink: sink,
                                   recorder: recorder)

        var server: ControlServer?
        if !simulated || socket != nil {
            let path = ControlSocket.listenPath(station: station, explicit: socket)
            do {
                // Bulletins arrive as bytes and are kept next to the log, readable by the daemon's own user.
                let spool = URL(fileURLWithPath: logPath).deletingLastPathComponent().appendingPathComponent("emergency")
                server = try ControlServer(path: path, spool: spool) { request, reply in
                    engine.emergency(request, reply: reply)
                }
            } catch { throw failure("\(error)") }
            options.report(tr("loa: đài \(station) phát trên \(sink.device), nhật ký \(logPath), khẩn cấp qua \(path)",
                              "loa: station \(station) on \(sink.device), log \(logPath), emergencies on \(path)"))
        }
        let queue = DispatchQueue(label: "loa.signals")
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { engine.stop() }
            source.resume(); sources.append(source)
        }
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        let command = self
        hup.setEventHandler {
            // A bad edit keeps the running plan: the station must not fall silent because of a typo.
            do {
                let fresh = try loadValidPlan(path: command.plan)
                engine.reload(plan: fresh, schedule: try command.stationSchedule(fresh))
            } catch {
                printErr(tr("loa: không nạp lại được kế hoạch, giữ kế hoạch đang chạy",
                            "loa: reload failed, keeping the running plan"))
            }
        }
        hup.resume(); sources.append(hup)

        defer { server?.close(); sources.forEach { $0.cancel() } }
        do { try engine.run() } catch {
            throw failure(tr("trình phát dừng vì lỗi: \(error)", "the daemon stopped on an error: \(error)"))
        }
        let stats = engine.stats
        // Until now recent rows may live only in the -wal file beside the log; a copy of the log alone would lack them.
        do { try recorder.checkpoint() } catch {
            printErr(tr("loa: nhật ký \(logPath) chưa gộp được tệp -wal (các dòng vẫn an toàn trong đó): \(error)",
                        "loa: could not fold the -wal file into \(logPath) (its rows are safe there): \(error)"))
        }
        if !stats.unwrittenEvents.isEmpty {
            // The journal keeps them: the proof of what aired is not dropped with the process.
            printErr(tr("loa: LỖI: \(stats.unwrittenEvents.count) sự kiện đã phát nhưng chưa ghi được vào \(logPath); "
                        + "nội dung của chúng (JSON, mỗi dòng một sự kiện):",
                        "loa: ERROR: \(stats.unwrittenEvents.count) events aired but could not be written to \(logPath); "
                        + "here they are (JSON, one per line):"))
            for event in stats.unwrittenEvents { printErr(Self.json(event)) }
        }
        if !stats.logErrors.isEmpty { throw ExitCode(1) }
    }

    /// One event with the log's column names (SPEC §3), for the journal.
    static func json(_ e: AiringEvent) -> String {
        var fields: [String: Any] = ["at": e.at, "kind": e.kind.rawValue, "airing": e.airing, "station": e.station,
                                     "plan": e.plan, "source": e.source.rawValue]
        fields["message"] = e.message; fields["slot_start"] = e.slotStart; fields["audio"] = e.audio
        fields["audio_sha256"] = e.audioSHA256; fields["planned_s"] = e.plannedSeconds
        fields["played_s"] = e.playedSeconds; fields["detail"] = e.detail
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The station's slots: from `--schedule`, or from the scheduler over the whole plan period (so the choice of
    /// messages is the same as `loa schedule` gives for the plan).
    func stationSchedule(_ plan: Plan) throws -> [SlotOccurrence] {
        if let schedule {
            do { return try ScheduleFile.read(URL(fileURLWithPath: schedule), station: station) } catch {
                throw failure("\(error)")
            }
        }
        return Scheduler.schedule(plan, stations: [station]).occurrences
    }

    func startOfDay(_ date: CivilDate, _ tz: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date()
    }
}

func printErr(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Prints the message; the caller throws the result, so the command exits with status 1 (the work failed).
func failure(_ message: String) -> ExitCode {
    printErr(message)
    return ExitCode(1)
}
