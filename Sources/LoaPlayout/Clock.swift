import Foundation
import LoaAudio

/// Time as the engine sees it. Decisions are made on wall time (the plan speaks in wall-clock slots); the audio
/// engine's timed start is on CLOCK_MONOTONIC, so a real clock converts one to the other right before each start.
public protocol PlayoutClock: AnyObject, Sendable {
    /// True for the simulated clock: waits return at once and time moves only as audio "plays".
    var isSimulated: Bool { get }
    func now() -> Date
    /// Blocks until `deadline` (wall time) or until `signal` has something, whichever comes first. A real clock
    /// re-reads wall time at least every second, so a stepped clock is noticed within a second.
    func wait(until deadline: Date, signal: Signal)
    /// The CLOCK_MONOTONIC instant at which wall time reaches `date`; nil when simulated (start at once).
    func monotonicDeadline(for date: Date) -> MonotonicInstant?
    /// The wall time of a CLOCK_MONOTONIC instant reported by the audio engine; nil when simulated.
    func wallTime(ofMonotonic instant: MonotonicInstant) -> Date?
    /// Simulated time moves forward to `date` (as audio plays); a real clock ignores this.
    func advance(to date: Date)
    /// How far wall time was stepped (positive = forward) since the last call, beyond normal running.
    func takeStep() -> TimeInterval
}

/// The system clock. A wall-clock step (NTP, an operator fixing the time) shows as a change of the offset between
/// wall and monotonic time.
public final class SystemClock: PlayoutClock, @unchecked Sendable {
    private let offset: Locked<TimeInterval>
    public init() { offset = Locked(SystemClock.currentOffset()) }

    public var isSimulated: Bool { false }
    public func now() -> Date { Date() }

    private static func currentOffset() -> TimeInterval {
        Date().timeIntervalSince1970 - Double(MonotonicInstant.now().nanoseconds) / 1e9
    }

    public func wait(until deadline: Date, signal: Signal) {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            // At most a second at a time: a stepped wall clock moves the deadline, and is seen promptly.
            if signal.wait(seconds: min(remaining, 1)) { return }
        }
    }

    public func monotonicDeadline(for date: Date) -> MonotonicInstant? {
        let mono = MonotonicInstant.now()
        let ahead = date.timeIntervalSinceNow
        guard ahead > 0 else { return nil }
        return mono.adding(seconds: ahead)
    }

    public func wallTime(ofMonotonic instant: MonotonicInstant) -> Date? {
        Date().addingTimeInterval(instant.seconds(since: MonotonicInstant.now()))
    }

    public func advance(to date: Date) {}

    public func takeStep() -> TimeInterval {
        let now = SystemClock.currentOffset()
        return offset.withLock { old in
            let step = now - old
            old = now
            // Drift and scheduling jitter are milliseconds; only a real step counts.
            return abs(step) >= 1 ? step : 0
        }
    }
}

/// A clock that jumps straight to the next deadline, so a week of playout runs in seconds. Steps can be scripted
/// (`at` a simulated instant, jump `by` seconds) to rehearse NTP corrections.
public final class SimulatedClock: PlayoutClock, @unchecked Sendable {
    private struct State { var now: Date; var steps: [(at: Date, by: TimeInterval)]; var pendingStep: TimeInterval }
    private let state: Locked<State>

    public init(start: Date, steps: [(at: Date, by: TimeInterval)] = []) {
        state = Locked(State(now: start, steps: steps.sorted { $0.at < $1.at }, pendingStep: 0))
    }

    public var isSimulated: Bool { true }
    public func now() -> Date { state.withLock { $0.now } }

    public func wait(until deadline: Date, signal: Signal) {
        if signal.isRaised { return }
        advance(to: deadline)
    }

    public func monotonicDeadline(for date: Date) -> MonotonicInstant? { nil }
    public func wallTime(ofMonotonic instant: MonotonicInstant) -> Date? { nil }

    public func advance(to date: Date) {
        state.withLock { s in
            guard date > s.now else { return }
            // A scripted step that falls inside this jump happens first: time stops at the step's instant, then leaps.
            if let step = s.steps.first, step.at <= date {
                s.steps.removeFirst()
                s.now = max(s.now, step.at).addingTimeInterval(step.by)
                s.pendingStep += step.by
                return
            }
            s.now = date
        }
    }

    /// Steps the clock now (a test's stand-in for `date -s`).
    public func step(by seconds: TimeInterval) {
        state.withLock { s in s.now = s.now.addingTimeInterval(seconds); s.pendingStep += seconds }
    }

    public func takeStep() -> TimeInterval {
        state.withLock { s in defer { s.pendingStep = 0 }; return s.pendingStep }
    }
}

/// Wakes a waiting engine when a command arrives (signal, socket). Raised until the engine takes its commands.
/// Waits on a semaphore because DispatchTime is monotonic: a wall clock stepped back an hour must not stretch a nap.
public final class Signal: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let raised = Locked(false)
    public init() {}
    public func raise() {
        let wasRaised = raised.withLock { r in defer { r = true }; return r }
        if !wasRaised { semaphore.signal() }
    }
    public func lower() {
        raised.withLock { $0 = false }
        while semaphore.wait(timeout: .now()) == .success {}
    }
    public var isRaised: Bool { raised.current }
    /// Waits up to `seconds`; true when raised.
    public func wait(seconds: TimeInterval) -> Bool {
        if isRaised { return true }
        if semaphore.wait(timeout: .now() + seconds) == .success { semaphore.signal() }
        return isRaised
    }
}
