import LoaCore
import LoaL10n
import LoaSystem

/// The scheduling class asked for the time-critical threads: the engine's (it waits for each slot's start, writes
/// every sample to the device and notices a cut) and the alerts' timer. At real-time priority the page's HTTP load
/// and other programs on the box cannot delay a start or a cut. Every loop on these threads blocks (a device wait,
/// a semaphore, a sleep) or spins for at most 2 ms before an exact start, and the kernel keeps 5 % of each core for
/// normal threads (`sched_rt_runtime_us`), so a fault cannot freeze the box.
public struct RealtimeRequest: Sendable {
    /// The SCHED_FIFO priority (1–99); nil: stay at normal priority (`loa run --no-realtime`).
    public var priority: Int32?
    /// Sets the calling thread's class (`ThreadScheduling.set`); a test injects a refusal.
    public var apply: @Sendable (ThreadScheduling, String) throws(SystemError) -> Void

    public init(priority: Int32? = 20,
                apply: @escaping @Sendable (ThreadScheduling, String) throws(SystemError) -> Void = ThreadScheduling.set) {
        self.priority = priority; self.apply = apply
    }

    public static var off: RealtimeRequest { RealtimeRequest(priority: nil) }
}

/// What became of the engine thread's request, for the journal and `status.scheduling`.
public enum RealtimeOutcome: Sendable, Hashable {
    /// The engine has not started, the clock is simulated, or `--no-realtime`.
    case off
    case granted(ThreadScheduling, thread: Int32)
    /// Refused by the system: airing goes on at normal priority.
    case refused(SystemError, thread: Int32)

    public var status: StationStatus.Scheduling {
        switch self {
        case .off:
            return .init(realtime: false, policy: "SCHED_OTHER", vi: "Ưu tiên thường (không xin thời gian thực)",
                         en: "Normal priority (real time not asked for)")
        case .granted(let s, _):
            return .init(realtime: true, policy: s.description, vi: "Luồng phát chạy ưu tiên thời gian thực (\(s))",
                         en: "The playout thread runs at real-time priority (\(s))")
        case .refused(let e, _):
            return .init(realtime: false, policy: "SCHED_OTHER",
                         vi: "Ưu tiên thường: hệ thống từ chối thời gian thực (\(e.localized.vi))",
                         en: "Normal priority: the system refused real time (\(e.localized.en))")
        }
    }
}

extension RealtimeRequest {
    /// Asks for real time on the calling thread, named `thread` in messages. Returns the outcome and how to put the
    /// thread back as it was (a caller's thread, e.g. a test's or a pool's, must not stay real-time).
    func enter(thread: String, simulated: Bool, offset: Int32 = 0) -> (RealtimeOutcome, restore: @Sendable () -> Void) {
        guard let priority, !simulated else { return (.off, {}) }
        let before = ThreadScheduling.current()
        let tid = ThreadScheduling.threadID()
        let wanted = ThreadScheduling(policy: .fifo, priority: max(1, min(99, priority + offset)))
        do throws(SystemError) {
            try apply(wanted, thread)
        } catch {
            return (.refused(error, thread: tid), {})
        }
        let apply = apply
        return (.granted(wanted, thread: tid), { try? apply(before, thread) })
    }
}

extension PlayoutEngine {
    /// The engine thread's scheduling: called first in `run()`, on that thread. Granted is a progress line, a
    /// refusal a one-line problem; either way airing goes on.
    func enterRealtime() -> @Sendable () -> Void {
        let (outcome, restore) = options.realtime.enter(thread: tr("luồng phát", "the playout thread"),
                                                        simulated: clock.isSimulated)
        realtimeOutcome.withLock { $0 = outcome }
        switch outcome {
        case .off: break
        case .granted(let s, _):
            options.report(tr("loa: luồng phát chạy ưu tiên thời gian thực (\(s))",
                              "loa: the playout thread runs at real-time priority (\(s))"))
        case .refused(let e, _):
            options.problem(tr("loa: \(e.localized.vi); phát tiếp ở ưu tiên thường (cần CAP_SYS_NICE hoặc LimitRTPRIO)",
                               "loa: \(e.localized.en); airing goes on at normal priority (needs CAP_SYS_NICE or LimitRTPRIO)"))
        }
        return { restore(); self.realtimeOutcome.withLock { $0 = .off } }
    }

    /// The engine thread's scheduling now (`status.scheduling`).
    public var realtime: RealtimeOutcome { realtimeOutcome.current }
}
