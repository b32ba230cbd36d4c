import Foundation
import LoaAudio
import LoaCore
import LoaL10n
import LoaLog
import LoaPlan
import LoaSchedule

/// Everything `loa run` is, as a value: which station, where its plan, schedule, clock, audio, log and control
/// socket come from. The command line fills one in; a test fills one with a simulated clock, a fake sink and a log
/// in a temporary folder, and runs a station's day in-process.
public struct StationConfiguration: Sendable {
    public enum ScheduleSource: Sendable {
        /// Schedule the plan for this station (the same choices `loa schedule` makes over the whole plan period).
        case plan
        /// Air a `schedule.jsonl` as written, its items matched to the plan's media.
        case file(URL)
        /// Air these slot occurrences (tests, and a face that schedules itself).
        case slots([SlotOccurrence])
        /// Schedule the plan, and air these occurrences too (a test's slot starting now beside the plan's days).
        case planAnd([SlotOccurrence])
    }
    public enum ClockChoice: Sendable {
        /// The wall clock: the station's real day.
        case system
        /// Days `from`…`to` in the plan's zone, as fast as the machine allows (a rehearsal).
        case simulated(from: CivilDate, to: CivilDate)
        case custom(any PlayoutClock)
    }
    public enum SinkChoice: Sendable {
        /// An ALSA PCM; nil: the station's `output`, else `default` (`null` when simulated).
        case device(String?)
        case custom(any PlayoutSink)
    }
    public enum LogChoice: Sendable {
        /// The SQLite airing log at this path.
        case file(String)
        case custom(any AiringRecorder)
    }

    public var station: String
    /// Loads the plan, at start and at every reload: checked, its media resolved. Throwing keeps the running plan.
    public var loadPlan: @Sendable () throws -> Plan
    public var schedule: ScheduleSource = .plan
    public var clock: ClockChoice = .system
    public var sink: SinkChoice = .device(nil)
    public var log: LogChoice
    /// The control socket `loa emergency` talks to; nil: none.
    public var controlSocket: String?
    /// Builds the control surface (LoaStationWeb's HTTP server on `controlSocket` and `--http`) once the daemon
    /// exists; it is closed when `run()` returns. Nil: no control surface.
    public var control: (@Sendable (StationDaemon) throws -> any ControlSurface)?
    /// Where bulletins sent over the control socket are kept (the log names the copy).
    public var spool: URL?
    /// Progress and problem lines, lead and tolerance; `station`, `until` and `lower` are set from the above.
    public var engine: EngineOptions
    /// The box's state folder (its `station.key`); nil: the log's folder.
    public var stateFolder: URL?
    /// Seconds between signed checkpoints of the log while the daemon runs (SPEC §6: at most 10 minutes).
    public var checkpointInterval: TimeInterval = 600
    /// Fetches a fleet alert's audio from the hub, checked (LoaSync's `AlertAudioStore`); nil: no hub.
    public var alertAudio: AlertAudioFetch?
    /// Speaks a fleet alert's text; nil: espeak-ng.
    public var alertSpeech: AlertSpeech?
    /// Seconds between looks whether the log file was deleted or moved away under the daemon (then it is written
    /// back from the daemon's open copy).
    public var logWatchInterval: TimeInterval = 2
    /// Keeps the ALSA device open between items, fed silence (LoaAudio's `Player(standby:)`), on the wall clock: a
    /// cut-in (a fleet alert, an operator's bulletin) then costs no device open, the card and amplifier stay awake,
    /// and a lost device is reported between items. Off for simulated runs (nothing is heard).
    public var deviceStandby = true

    public init(station: String, log: LogChoice, loadPlan: @escaping @Sendable () throws -> Plan) {
        self.station = station; self.log = log; self.loadPlan = loadPlan
        engine = EngineOptions(station: station)
    }
}

/// Why a station daemon could not start or stopped on an error.
public struct DaemonError: LoaError {
    public enum Kind: Sendable {
        case plan(any Error)
        case noStation(plan: String)
        case schedule(ScheduleFileError)
        case log(any Error)
        case control(any Error)
        case engine(any Error)
        case key(any Error)
    }
    public let kind: Kind
    public let subject: String

    public var localized: Localized {
        switch kind {
        case .plan(let e):
            return Localized(vi: "không nạp được kế hoạch \(subject): \(e)", en: "cannot load the plan \(subject): \(e)")
        case .noStation(let plan):
            return Localized(vi: "không có đài \(subject) trong kế hoạch \(plan)", en: "no station \(subject) in plan \(plan)")
        case .schedule(let e): return e.localized
        case .log(let e):
            return Localized(vi: "không mở được nhật ký phát \(subject): \(e)", en: "cannot open the airing log \(subject): \(e)")
        case .control(let e):
            if let e = e as? any LoaError { return e.localized }
            return Localized(vi: "không mở được cổng điều khiển \(subject): \(e)", en: "cannot open the control surface \(subject): \(e)")
        case .engine(let e):
            return Localized(vi: "trình phát dừng vì lỗi: \(e)", en: "the daemon stopped on an error: \(e)")
        case .key(let e):
            return Localized(vi: "không dùng được khoá của đài \(subject): \(e)", en: "cannot use the station key \(subject): \(e)")
        }
    }
}

/// A station's daemon, built from a `StationConfiguration`: loads the plan, keeps the station's schedule, airs it
/// through the engine, takes emergencies on its control socket, reloads on request and stops cleanly.
public final class StationDaemon: Sendable {
    public let configuration: StationConfiguration
    public let engine: PlayoutEngine
    public let recorder: any AiringRecorder
    /// The ALSA device or recording it airs on, for the journal.
    public let output: String
    private let writerLock: LogWriterLock?
    private let signer: CheckpointSigner?
    let logWatch: LogWatch?
    /// Every event as it is logged, and the airings open now (the page's live view).
    public let feed = EventFeed()
    /// The plan and schedule airing now (replaced on reload).
    let current: Locked<(plan: Plan, slots: [SlotOccurrence])>
    private let surface = Locked<(any ControlSurface)?>(nil)
    /// The fleet's alerts this station holds (issue 17); the hub link hands it what arrives.
    public let alerts: AlertScheduler

    public init(_ configuration: StationConfiguration) throws(DaemonError) {
        self.configuration = configuration
        let station = configuration.station
        let plan: Plan
        do { plan = try configuration.loadPlan() } catch { throw DaemonError(kind: .plan(error), subject: station) }
        guard let spec = plan.station(station) else {
            throw DaemonError(kind: .noStation(plan: PlanLoader.displayName(plan.file)), subject: station)
        }
        let slots = try Self.schedule(plan, configuration)
        current = Locked((plan, slots))

        var options = configuration.engine
        options.station = station
        let clock: any PlayoutClock
        var simulated = false
        switch configuration.clock {
        case .system: clock = SystemClock()
        case .custom(let c): clock = c; simulated = c.isSimulated
        case .simulated(let from, let to):
            let start = Self.startOfDay(from, plan.timezone), end = Self.startOfDay(to.adding(days: 1), plan.timezone)
            clock = SimulatedClock(start: start)
            options.until = end; options.lower = start
            simulated = true
            // A rehearsal: every row it writes says so, inside its hash (SPEC §6).
            options.rehearsal = true
        }
        let sink: any PlayoutSink
        switch configuration.sink {
        case .custom(let s): sink = s; output = "\(type(of: s))"
        case .device(let name):
            let device = name ?? (simulated ? "null" : spec.output ?? "default")
            sink = Player(device: device, standby: configuration.deviceStandby && !simulated && device != "null")
            output = device
        }
        switch configuration.log {
        case .custom(let r): recorder = r; writerLock = nil
        case .file(let path):
            do {
                // One writer per log, for the daemon's whole life.
                writerLock = try LogWriterLock(log: path)
                recorder = try AiringLog(path: path)
            } catch { throw DaemonError(kind: .log(error), subject: path) }
        }
        let engine = PlayoutEngine(plan: plan, schedule: slots, options: options, clock: clock, sink: sink,
                                   recorder: FeedingRecorder(recorder, feed: feed))
        self.engine = engine
        let current = self.current
        alerts = AlertScheduler(station: station, engine: engine, sink: sink, fetchAudio: configuration.alertAudio,
                                speech: configuration.alertSpeech, planID: { current.withLock { $0.plan.id } })
        engine.alerts = alerts
        if let log = recorder as? AiringLog {
            let folder = configuration.stateFolder ?? URL(fileURLWithPath: log.path).deletingLastPathComponent()
            let keyFile = folder.appendingPathComponent("station.key")
            let key: StationKey
            do { key = try StationKey.loadOrCreate(at: keyFile) } catch {
                throw DaemonError(kind: .key(error), subject: keyFile.path)
            }
            let zone = plan.timezone
            signer = CheckpointSigner(log: log, key: key, station: station, interval: configuration.checkpointInterval,
                                      now: { Timestamp.format(clock.now(), timeZone: zone) },
                                      problem: configuration.engine.problem)
            logWatch = LogWatch(log: log, lock: writerLock, interval: configuration.logWatchInterval,
                                now: { Timestamp.format(clock.now(), timeZone: zone) },
                                problem: configuration.engine.problem)
        } else {
            signer = nil
            logWatch = nil
        }
        if let control = configuration.control {
            do { let built = try control(self); surface.withLock { $0 = built } } catch {
                throw DaemonError(kind: .control(error), subject: configuration.controlSocket ?? station)
            }
        }
    }

    /// Airs until `stop()` (or the end of a simulated run); blocks the calling thread. Events the log refused to
    /// the end are printed to the journal as JSON lines (SPEC §3 names) and counted in the returned stats.
    @discardableResult
    public func run() throws(DaemonError) -> EngineStats {
        defer { surface.withLock { s in s?.close(); s = nil } }
        signer?.start()
        defer { alerts.close() }
        defer { engine.sink.close() }
        logWatch?.start()
        do { try engine.run() } catch {
            logWatch?.finish()
            signer?.finish()
            throw DaemonError(kind: .engine(error), subject: configuration.station)
        }
        // At stop, a checkpoint covers the last row (before the -wal file is folded in, so the file holds it), in
        // the file at the log's path.
        logWatch?.finish()
        signer?.finish()
        let stats = engine.stats
        let problem = configuration.engine.problem
        // Until now recent rows may live only in the -wal file beside the log; a copy of the log alone would lack them.
        if let log = recorder as? AiringLog {
            do { try log.checkpoint() } catch {
                problem(tr("loa: nhật ký \(log.path) chưa gộp được tệp -wal (các dòng vẫn an toàn trong đó): \(error)",
                           "loa: could not fold the -wal file into \(log.path) (its rows are safe there): \(error)"))
            }
        }
        if !stats.unwrittenEvents.isEmpty {
            // The journal keeps them: the proof of what aired is not dropped with the process.
            let log = (recorder as? AiringLog)?.path ?? tr("nhật ký", "the log")
            problem(tr("loa: LỖI: \(stats.unwrittenEvents.count) sự kiện đã phát nhưng chưa ghi được vào \(log); "
                       + "nội dung của chúng (JSON, mỗi dòng một sự kiện):",
                       "loa: ERROR: \(stats.unwrittenEvents.count) events aired but could not be written to \(log); "
                       + "here they are (JSON, one per line):"))
            for event in stats.unwrittenEvents { problem(Self.json(event)) }
        }
        return stats
    }

    /// SIGTERM: cut what plays and return from `run()`.
    public func stop() { engine.stop() }

    /// SIGHUP: loads the plan again and hands it to the engine after the item on air. A plan that fails to load,
    /// or no longer has this station, is refused and the running plan stays: a station must not fall silent
    /// because of a typo. Returns whether the new plan was taken.
    @discardableResult
    public func reload() -> Bool {
        let station = configuration.station
        do {
            let fresh = try configuration.loadPlan()
            guard fresh.station(station) != nil else { throw DaemonError(kind: .noStation(plan: fresh.id), subject: station) }
            let slots = try Self.schedule(fresh, configuration)
            engine.reload(plan: fresh, schedule: slots)
            current.withLock { $0 = (fresh, slots) }
            return true
        } catch {
            configuration.engine.problem(tr("loa: không nạp lại được kế hoạch (\(error)), giữ kế hoạch đang chạy",
                                            "loa: reload failed (\(error)), keeping the running plan"))
            return false
        }
    }

    /// Stops on SIGTERM/SIGINT and reloads on SIGHUP for as long as the returned sources live.
    public func handleSignals() -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "loa.signals")
        var sources: [any DispatchSourceSignal] = []
        let actions: [(Int32, @Sendable () -> Void)] = [(SIGTERM, { self.stop() }), (SIGINT, { self.stop() }),
                                                        (SIGHUP, { _ = self.reload() })]
        for (sig, action) in actions {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
        return sources
    }

    static func schedule(_ plan: Plan, _ configuration: StationConfiguration) throws(DaemonError) -> [SlotOccurrence] {
        let station = configuration.station
        switch configuration.schedule {
        case .plan:
            return Scheduler.schedule(plan, stations: [station]).occurrences
        case .slots(let given):
            return given.filter { $0.station == station }
        case .planAnd(let given):
            return (Scheduler.schedule(plan, stations: [station]).occurrences + given.filter { $0.station == station })
                .sorted { $0.start < $1.start }
        case .file(let url):
            do throws(ScheduleFileError) {
                return try plan.stationSlots(from: try ScheduleFile.read(url), station: station, file: url.path)
            } catch { throw DaemonError(kind: .schedule(error), subject: url.path) }
        }
    }

    static func startOfDay(_ date: CivilDate, _ tz: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date()
    }

    /// One event with the log's column names (SPEC §3), for the journal.
    public static func json(_ e: AiringEvent) -> String {
        var fields: [String: Any] = ["at": e.at, "kind": e.kind.rawValue, "airing": e.airing, "station": e.station,
                                     "plan": e.plan, "source": e.source.rawValue]
        fields["message"] = e.message; fields["slot_start"] = e.slotStart; fields["audio"] = e.audio
        fields["audio_sha256"] = e.audioSHA256; fields["planned_s"] = e.plannedSeconds
        fields["played_s"] = e.playedSeconds; fields["detail"] = e.detail
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension ScheduleFile {
    /// Reads and decodes `schedule.jsonl` at `url` (the lines of `station`, or all).
    public static func read(_ url: URL, station: String? = nil) throws(ScheduleFileError) -> [Entry] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ScheduleFileError(.unreadable, file: url.path, line: nil,
                                    Localized(vi: "không đọc được lịch phát: \(error.localizedDescription)",
                                              en: "cannot read the schedule: \(error.localizedDescription)"))
        }
        return try decode(data, file: url.path, station: station)
    }
}
