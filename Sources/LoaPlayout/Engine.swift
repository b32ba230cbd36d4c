import LoaCore
import Foundation
import Synchronization
import LoaAudio
import LoaL10n
import LoaLog
import LoaPlan
import LoaSchedule

/// An emergency bulletin handed to the running daemon (`loa emergency`).
public struct EmergencyRequest: Sendable, Hashable, Codable {
    public var audio: URL
    public var title: String?
    /// A fleet alert's airing (`AlertScheduler`): its fixed airing id, the instant its first sample is due (first in
    /// the next slot), and whether a cut-in alert may cut it (a next-slot alert yields). Nil for an operator's.
    public var airing: String?
    public var startAt: Date?
    public var yields: Bool?
    public init(audio: URL, title: String? = nil) { self.audio = audio; self.title = title }
}

/// The daemon's answer to an emergency request: sent once the emergency's `started` event is durable (or it failed).
public struct EmergencyReply: Sendable, Hashable, Codable {
    public var ok: Bool
    public var airing: String?
    public var error: String?
    /// Milliseconds from the request to the scheduled item being cut, when something was on air.
    public var cutMilliseconds: Double?
    /// Milliseconds from the request reaching the daemon to the bulletin's first sample on air: the figure that
    /// matters to residents (the cut is only a part of it).
    public var firstSampleMilliseconds: Double?
    /// True when the bulletin waits behind others (the answer came at once, before it airs).
    public var queued: Bool?
    /// How many bulletins are ahead of a queued one (the one on air counts).
    public var ahead: Int?
    public init(ok: Bool, airing: String? = nil, error: String? = nil, cutMilliseconds: Double? = nil,
                firstSampleMilliseconds: Double? = nil, queued: Bool? = nil, ahead: Int? = nil) {
        self.ok = ok; self.airing = airing; self.error = error; self.cutMilliseconds = cutMilliseconds
        self.firstSampleMilliseconds = firstSampleMilliseconds; self.queued = queued; self.ahead = ahead
    }
}

/// What the engine says the moment it takes an emergency request: the airing id the bulletin will be logged under
/// and how many bulletins are ahead of it (0: it airs now, cutting a scheduled item if one plays).
public struct EmergencyTicket: Sendable, Hashable {
    public var airing: String
    public var ahead: Int
}

public struct EngineOptions: Sendable {
    public var station: String
    /// Hand a run to the audio engine this long before its start: time to open the device and prefill, so the first
    /// sample leaves on the exact instant. Loudness is measured well before (`Preparer`); a file it has not reached
    /// yet is measured within this lead, and a long one makes the start late.
    public var lead: TimeInterval = 2
    /// An item starting this late still joins; later than this it is `missed`.
    public var tolerance: TimeInterval = 2
    /// Waits between attempts while the audio device is gone.
    public var backoff: [TimeInterval] = [1, 2, 4, 8, 15, 30]
    /// Simulated runs stop here.
    public var until: Date?
    /// A rehearsal (`--clock simulated`): every event is marked `rehearsal`, so it is never taken as evidence.
    public var rehearsal = false
    /// Items before this instant are not accounted for (default: the station's last logged event, at most back to
    /// the start of yesterday; the start of today on an empty log).
    public var lower: Date?
    /// Where progress lines go (journald under systemd): each airing, reloads, stopping.
    public var report: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Where problems and their ends go (device lost and back, log refused and writable again, clock stepped,
    /// crash recovery): also under `--quiet`.
    public var problem: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Real-time priority for the engine's thread while it runs (not with a simulated clock).
    public var realtime = RealtimeRequest()
    public init(station: String) { self.station = station }
}

/// Counters the benchmarks and tests read.
public struct EngineStats: Sendable {
    public var cutLatencies: [Double] = []
    /// Per emergency: milliseconds from the request to the bulletin's first sample on air.
    public var firstSampleLatencies: [Double] = []
    public var events = 0
    public var logErrors: [String] = []
    /// Whether everything that aired is in the log: refusals the log later recovered from do not count against it.
    public var everythingLogged: Bool { unwrittenEvents.isEmpty }
    /// Events that aired but could not be written to the log by the time the engine stopped, in order.
    public var unwrittenEvents: [AiringEvent] = []
}

/// The station daemon's engine: waits for each slot, plays it through the sink, logs every airing.
/// `run()` blocks its thread; `stop`, `reload` and `emergency` may be called from any thread.
public final class PlayoutEngine: @unchecked Sendable {
    enum Command: Sendable {
        case stop
        case reload(Plan, [SlotOccurrence])
    }
    /// An emergency request waiting its turn; its airing id is fixed when the daemon takes it.
    struct QueuedEmergency: Sendable {
        var request: EmergencyRequest
        var reply: @Sendable (EmergencyReply) -> Void
        var requestedAt: MonotonicInstant
        var airing: String
    }
    enum StopReason: Sendable {
        case operatorStop, emergency(requestedAt: MonotonicInstant)
        /// A fleet alert's Update or Cancel stopped the alert on air; the reason names it.
        case alert(String)
        /// A next-slot alert whose audio arrived after its slot opened: the item on air plays to its end, the next
        /// one is kept off (it airs after the alert, the slot re-timed).
        case atItemEnd
    }
    struct Shared {
        var commands: [Command] = []
        /// nil: nothing on air; else whether an emergency is on air, and why it is being cut.
        var onAir: (emergency: Bool, stopping: StopReason?)?
        var stats = EngineStats()
        /// The cut that made room for the emergency about to air.
        var lastCut: Double?
        /// Why the audio device is unavailable, while it is (for the status page).
        var deviceFault: Localized?
        /// The emergency on air: its airing id, and whether a cut-in alert may cut it (a next-slot alert).
        var emergencyAiring: (id: String, yields: Bool)?
        /// Emergencies not yet on air, in the order they air.
        var emergencies: [QueuedEmergency] = []
        /// An emergency was taken off the queue and is being aired (from before its first sample to its end).
        var emergencyBusy = false
        /// The plan's zone, for airing ids made on the requesting thread.
        var timeZone: TimeZone
        var stopRequested: Bool { commands.contains { if case .stop = $0 { return true }; return false } }
    }

    let options: EngineOptions
    let clock: any PlayoutClock
    let sink: any PlayoutSink
    let recorder: any AiringRecorder
    let shared: Locked<Shared>
    let wake = Signal()
    let calendar: Calendar

    // Engine-thread state (the observer touches `handled` under its own lock).
    var plan: Plan
    var timeline: Timeline
    let handled = Locked<Set<String>>([])
    var retime = Set<String>()
    /// Items a crash cut short, to air again (if they fit) under a new id: original airing id → `…/resumed`.
    var reair: [String: String] = [:]
    var lower = Date.distantPast
    var startupPass = true
    var recentStep: TimeInterval = 0
    var deviceDown: AudioError?
    var deviceRetryAt: Date?
    var backoffIndex = 0
    lazy var preparer = Preparer(sink: sink)
    /// The fleet's alerts (issue 17), set by the daemon before `run()` (the daemon holds it; it holds the engine).
    weak var alerts: AlertScheduler?
    /// Events the log refused, oldest first; also serializes appends from the engine's and the audio thread.
    let unlogged = Locked(Unlogged())
    let realtimeOutcome = Locked(RealtimeOutcome.off)
    /// `unlogged`'s length, for the status: that lock is held across each SQLite commit, which a page request must
    /// not wait for.
    let unloggedCount = Atomic<Int>(0)

    public init(plan: Plan, schedule: [SlotOccurrence], options: EngineOptions, clock: any PlayoutClock,
                sink: any PlayoutSink, recorder: any AiringRecorder) {
        self.plan = plan; self.options = options; self.clock = clock; self.sink = sink; self.recorder = recorder
        self.shared = Locked(Shared(timeZone: plan.timezone))
        self.timeline = Timeline(slots: schedule.filter { $0.station == options.station }, timeZone: plan.timezone)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = plan.timezone
        self.calendar = cal
    }

    public var stats: EngineStats { shared.withLock { $0.stats } }

    // MARK: commands from other threads

    /// SIGTERM: cut what plays (logged `interrupted`, "stopped by operator") and return from `run()`.
    public func stop() {
        post(.stop) { s in if s.onAir != nil { s.onAir?.stopping = .operatorStop; return true }; return false }
    }

    /// SIGHUP: the new plan takes over after the item on air (nothing is cut).
    public func reload(plan: Plan, schedule: [SlotOccurrence]) { post(.reload(plan, schedule)) { _ in false } }

    /// Cuts a scheduled item on air within the sink's stop latency and airs `request`; `reply` is called once the
    /// emergency's `started` is logged, or with the error. A bulletin is new audio: it is not measured first (a
    /// 3-minute MP3 takes longer than the whole cut-in may); it airs at once from its first seconds' loudness and
    /// glides to its whole-file level (`PlayItem.quickStart`). One emergency never cuts another: a request made while
    /// one airs (or waits) queues behind it, and the returned ticket says at once how many are ahead.
    @discardableResult
    public func emergency(_ request: EmergencyRequest,
                          reply: @escaping @Sendable (EmergencyReply) -> Void) -> EmergencyTicket {
        enqueueEmergency(request, first: false, reply: reply)
    }

    /// `replace`: cuts the emergency on air (logged `interrupted`, "stopped by operator") and airs `request` next,
    /// ahead of any queued ones. With no emergency on air it is `emergency(_:reply:)`.
    @discardableResult
    public func replaceEmergency(_ request: EmergencyRequest,
                                 reply: @escaping @Sendable (EmergencyReply) -> Void) -> EmergencyTicket {
        let ticket = enqueueEmergency(request, first: true, reply: reply)
        stopEmergency()
        return ticket
    }

    /// `DELETE /api/v1/emergency`: cuts the emergency on air (logged `interrupted`, "stopped by operator"); the
    /// programme goes on. False when no emergency is on air.
    @discardableResult
    public func stopEmergency() -> Bool {
        let cut = shared.withLock { s -> Bool in
            guard let onAir = s.onAir, onAir.emergency, onAir.stopping == nil else { return false }
            s.onAir?.stopping = .operatorStop
            return true
        }
        if cut { sink.stop() }
        return cut
    }

    /// Cuts the alert airing `airing` if it is on air (logged `interrupted` with `reason`); false when it is not.
    @discardableResult
    func stopAlert(airing: String, reason: String) -> Bool {
        let cut = shared.withLock { s -> Bool in
            guard let onAir = s.onAir, onAir.emergency, onAir.stopping == nil, s.emergencyAiring?.id == airing else {
                return false
            }
            s.onAir?.stopping = .alert(reason)
            return true
        }
        if cut { sink.stop() }
        return cut
    }

    /// The airing id of the emergency on air, if any.
    var emergencyAiringOnAir: String? { shared.withLock { $0.onAir?.emergency == true ? $0.emergencyAiring?.id : nil } }
    /// Emergencies waiting behind the one on air.
    public var queuedEmergencies: Int { shared.withLock { $0.emergencies.count } }

    /// An emergency bulletin is on air now.
    public var emergencyOnAir: Bool { shared.withLock { $0.onAir?.emergency ?? false } }

    /// Why the audio device is unavailable, or nil while it works.
    public var deviceFault: Localized? { shared.withLock { $0.deviceFault } }

    private func post(_ command: Command, cut: (inout Shared) -> Bool) {
        let mustCut = shared.withLock { s in s.commands.append(command); return cut(&s) }
        if mustCut { sink.stop() }
        wake.raise()
    }

    // MARK: the loop

    public func run() throws {
        let leaveRealtime = enterRealtime()
        defer { leaveRealtime() }
        sink.observeStandby { [weak self] event in self?.standbyEvent(event) }
        sink.standBy()
        let now0 = clock.now()
        let lastLogged = try recorder.lastEvent(station: options.station).flatMap { Timestamp.parse($0.at) }
        let lastAt = lastLogged.map { min($0, now0) }
        let today = calendar.startOfDay(for: now0)
        lower = options.lower ?? lastAt.map { max($0, today.addingTimeInterval(-86_400)) } ?? today
        // Memory at start does not grow with the log: only events that can still match a slot the timeline looks
        // at (from two days before its earliest) are read; open airings are closed by one query below.
        let since = stamp(min(lower, now0).addingTimeInterval(-2 * 86_400))
        let past = try recorder.events(station: options.station, since: since)
        // Never before the last event: a simulated rerun restarts its clock at --from.
        let closed = try recorder.closeOpenAirings(
            at: stamp(max(now0, lastLogged ?? now0)),
            detail: tr("đóng khi khởi động lại: trình phát đã dừng giữa chừng (sự cố hoặc mất điện)",
                       "closed at restart: the daemon stopped while airing (crash or power loss)"))
        if !closed.isEmpty {
            options.problem(tr("loa: đã đóng \(closed.count) lượt phát bị bỏ dở do sự cố",
                               "loa: closed \(closed.count) airing(s) left open by a crash"))
        }
        resumeSlotsCutByACrash(closed, now: now0)
        handled.withLock { h in for e in past { h.insert(e.airing) } }
        // Alerts air from here on: the log now says which of their instants already aired.
        alerts?.start()
        _ = clock.takeStep()
        defer { preparer.stop(); finishLog() }
        prepareUpcoming(now0)

        while true {
            if try takeCommands() { return }
            if let queued = nextEmergency() {
                try airEmergency(queued)
                continue
            }
            let now = clock.now()
            if let until = options.until, now >= until { return }
            if alerts?.postDue(now: now) == true { continue }
            let step = clock.takeStep()
            if step != 0 {
                recentStep = step
                options.problem(tr("loa: đồng hồ hệ thống bị chỉnh \(Int(step.rounded())) giây",
                                   "loa: wall clock stepped by \(Int(step.rounded())) s"))
            }
            let upper = min(endOfTomorrow(now), options.until ?? .distantFuture)
            let decision = timeline.next(now: now, handled: handled.current, retime: retime, lower: lower, upper: upper,
                                         lead: options.lead, tolerance: options.tolerance, reair: reair)
            switch decision {
            case .miss(let entries, let cause):
                for e in entries { try logMissed(e, reason: missReason(cause), at: now) }
            case .play(let run):
                if let retry = deviceRetryAt, retry > now {
                    pause(until: retry)
                    continue
                }
                // A next-slot alert goes first in the slot about to open; the slot's items follow it.
                if run.entries.first?.itemIndex == 0, let alerts,
                   alerts.postFirstInSlot(opening: run.startAt, closing: timeline.slots[run.slotIndex].end, now: now) {
                    retime.insert(timeline.slots[run.slotIndex].key)
                    continue
                }
                try play(run)
                startupPass = false; recentStep = 0
                prepareUpcoming(clock.now())
            case .wait(let until):
                let due = min(until, alerts?.nextInstant(after: now) ?? until)
                pause(until: options.until.map { min($0, due) } ?? due)
            }
        }
    }

    private func pause(until: Date) {
        startupPass = false; recentStep = 0
        clock.wait(until: until, signal: wake)
    }

    /// Applies queued commands; true when the engine must stop.
    private func takeCommands() throws -> Bool {
        let commands = shared.withLock { s in defer { s.commands = [] }; return s.commands }
        wake.lower()
        for command in commands {
            switch command {
            case .stop:
                options.report(tr("loa: đang dừng", "loa: stopping"))
                // Emergencies still queued are logged `missed` and answered, not dropped in silence.
                missQueuedEmergencies()
                return true
            case .reload(let plan, let schedule):
                self.plan = plan
                timeline = Timeline(slots: schedule.filter { $0.station == options.station }, timeZone: plan.timezone)
                options.report(tr("loa: đã nạp lại kế hoạch \(plan.id) (\(timeline.slots.count) khung giờ)",
                                  "loa: plan \(plan.id) reloaded (\(timeline.slots.count) slots)"))
                shared.withLock { $0.timeZone = plan.timezone }
                prepareUpcoming(clock.now())
            }
        }
        return false
    }

    /// Hands the preparer every file of the slots not yet over until the end of tomorrow, soonest first. A simulated
    /// run has no instant to miss, so it measures as it airs.
    func prepareUpcoming(_ now: Date) {
        guard !clock.isSimulated else { return }
        let upper = endOfTomorrow(now)
        var seen = Set<URL>(), urls: [URL] = []
        for slot in timeline.slots where slot.end > now && slot.start < upper {
            for item in slot.items {
                if let url = item.media.url, seen.insert(url).inserted { urls.append(url) }
            }
        }
        preparer.want(urls)
    }

    /// Back inside a slot a crash cut: what was interrupted airs again and what is still owed follows at once,
    /// back to back from now (each only if it ends before the slot does), instead of dead air until the next
    /// item's planned start.
    func resumeSlotsCutByACrash(_ closed: [AiringEvent], now: Date) {
        for event in closed where event.source == .schedule || event.source == .relay {
            guard let slot = timeline.slots.first(where: { slot in
                slot.end > now && slot.start <= now && slot.items.contains { slot.airingID(of: $0) == event.airing }
            }) else { continue }
            retime.insert(slot.key)
            reair[event.airing] = event.airing + "/resumed"
        }
    }

    func endOfTomorrow(_ now: Date) -> Date {
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: 2, to: today) ?? today.addingTimeInterval(2 * 86_400)
    }

    func stamp(_ date: Date) -> String { Timestamp.format(date, timeZone: plan.timezone) }

    /// A device lost while on standby between items is reported at once (and on the status page), not at the next
    /// airing; the next play opens it again as after any loss.
    private func standbyEvent(_ event: PlayEvent) {
        switch event {
        case .deviceLost(let failure):
            shared.withLock { $0.deviceFault = failure.localized }
            options.problem(tr("loa: mất thiết bị âm thanh khi chờ: \(failure.localized.vi)",
                               "loa: audio device lost on standby: \(failure.localized.en)"))
        case .deviceBack:
            shared.withLock { $0.deviceFault = nil }
            options.problem(tr("loa: thiết bị âm thanh đã trở lại", "loa: audio device back"))
        default: break
        }
    }

    private func missReason(_ cause: Timeline.MissCause) -> String {
        // Slots a forward clock step jumped over look, to the timeline, like slots held up by what aired: the step
        // is the reason.
        if cause == .noRoom, recentStep <= 0 {
            return tr("không còn đủ thời gian trong khung giờ (sau bản tin khẩn cấp hoặc chậm trễ)",
                      "no time left in the slot (after an emergency or a delay)")
        }
        if let d = deviceDown {
            return tr("thiết bị âm thanh không sẵn sàng: \(d.localized.vi)", "audio device unavailable: \(d.localized.en)")
        }
        if recentStep > 0 {
            let s = Int(recentStep.rounded())
            return tr("đồng hồ hệ thống bị chỉnh tiến \(s) giây", "the system clock was stepped forward by \(s) s")
        }
        if startupPass {
            return tr("trình phát không chạy vào thời điểm đó", "the daemon was not running at that time")
        }
        return tr("đã qua giờ phát mà chưa phát được", "its start time passed before it could air")
    }
}
