import Foundation
import LoaCore
import LoaL10n

/// A running station's link to the hub: in the background, pushes new log rows as they are written (woken by
/// `wake()`, what arrives within `batchWindow` going as one batch) and at least every `pushEvery` seconds (the sweep
/// that retries after a fault), reports the station's status when it changes, and checks the plan every `every`
/// seconds, reloading the daemon when a new good plan arrives; says every change in the journal.
public final class HubLink: Sendable {
    public let sync: StationSync
    public let every: Double
    public let pushEvery: Double
    /// How long a wake waits for more rows before pushing: the rows of one airing's start arrive together.
    public let batchWindow: Double
    private let loop = LockedTask()
    private let wakeup = Wakeup()
    /// Also done every round (the alert listener's JSON poll, issue 17).
    public let alsoEachRound: (@Sendable () async -> Void)?
    /// The status source `start` was given, for the last report at `finish`.
    private let statusSource = LockedStatusSource()

    public init(sync: StationSync, every: Double, pushEvery: Double, batchWindow: Double = 0.1,
                alsoEachRound: (@Sendable () async -> Void)? = nil) {
        self.sync = sync; self.every = every; self.pushEvery = pushEvery; self.batchWindow = batchWindow
        self.alsoEachRound = alsoEachRound
    }

    /// The last good plan's file (the link is made only once there is one).
    public var planPath: String? { sync.currentPlanFile?.path }

    /// A row was logged: push soon. Cheap and non-blocking, so the engine may call it while it holds its log.
    public func wake() { wakeup.signal() }

    /// Starts the loop; `reload` is called when a new good plan has arrived (the daemon's reload); `status`, when
    /// given, is the station's status (on air, problems) to report to the hub.
    @discardableResult
    public func start(reload: @escaping @Sendable () -> Void, report: @escaping @Sendable (String) -> Void,
                      status: (@Sendable () -> StationStatus)? = nil) -> HubLink {
        let sync = self.sync, every = self.every, pushEvery = self.pushEvery, batchWindow = self.batchWindow
        let wakeup = self.wakeup, alsoEachRound = self.alsoEachRound
        statusSource.set(status)
        loop.set(Task.detached {
            var lastPushFault: String?, lastStatusFault: String?
            var reporter = StatusReporter()
            var lastCheck = Date()   // link() has just checked
            while !Task.isCancelled, !wakeup.stopped {
                if Date().timeIntervalSince(lastCheck) >= every {
                    lastCheck = Date()
                    let plan = await sync.checkPlanOnce()
                    switch plan {
                    case .unchanged: break
                    case .switched: report("loa: hub: " + plan.words.text()); reload()
                    case .keptLast: report("loa: hub: " + plan.words.text())
                    }
                }
                switch await sync.pushOnce() {
                case .success: lastPushFault = nil
                case .failure(let error):
                    if error.description != lastPushFault {
                        report(tr("loa: hub: chưa đẩy được nhật ký, sẽ thử lại: ", "loa: hub: log not pushed yet, will retry: ")
                               + error.description)
                    }
                    lastPushFault = error.description
                }
                if let current = status?(), reporter.isDue(current, now: Date()) {
                    do {
                        try await sync.client.report(station: sync.pusher.station, status: current)
                        reporter.sent(current, at: Date())
                        lastStatusFault = nil
                    } catch {
                        let words = "\(error)"
                        if words != lastStatusFault {
                            report(tr("loa: hub: chưa gửi được trạng thái, sẽ thử lại: ", "loa: hub: status not sent yet, will retry: ")
                                   + words)
                        }
                        lastStatusFault = words
                    }
                }
                await alsoEachRound?()
                await wakeup.wait(seconds: pushEvery)
                if wakeup.stopped { break }
                try? await Task.sleep(nanoseconds: UInt64(batchWindow * 1e9))
            }
        })
        return self
    }

    /// Stops the loop and pushes what is left once, so a clean stop leaves the hub up to date when it is reachable.
    /// The loop's round in progress (the stop's own rows have just woken it) ends first, up to `settle` seconds, so
    /// the two never push the same rows at once; a round still waiting on the hub after that is cancelled.
    public func finish(report: @Sendable (String) -> Void, settle: Double = 5) {
        wakeup.stop()
        loop.end(within: settle)
        let sync = self.sync
        // The hub should not go on showing an item on air from a station that has stopped.
        if let status = statusSource.get() {
            let current = status()
            _ = runBlocking { try? await sync.client.report(station: sync.pusher.station, status: current) }
        }
        switch runBlocking({ await sync.pushOnce() }) {
        case .success(let outcome):
            report(tr("loa: hub: nhật ký đã đẩy đến seq \(outcome.through)", "loa: hub: log pushed through seq \(outcome.through)"))
        case .failure(let error):
            report(tr("loa: hub: nhật ký chưa đẩy hết (sẽ đẩy lần chạy sau): ", "loa: hub: log not fully pushed (next run pushes it): ")
                     + error.description)
        }
    }
}

/// The daemon's status source, set by `start` and read by `finish` on the command's thread.
final class LockedStatusSource: @unchecked Sendable {
    private let lock = NSLock()
    private var source: (@Sendable () -> StationStatus)?
    func set(_ source: (@Sendable () -> StationStatus)?) { lock.withLock { self.source = source } }
    func get() -> (@Sendable () -> StationStatus)? { lock.withLock { source } }
}

/// The background task, held so it can be cancelled from the command's thread.
final class LockedTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    func set(_ task: Task<Void, Never>) { lock.withLock { self.task = task } }
    func cancel() { lock.withLock { task?.cancel(); task = nil } }

    /// Waits up to `seconds` for the task to end by itself, then cancels it and waits for that.
    func end(within seconds: Double) {
        guard let running = lock.withLock({ () -> Task<Void, Never>? in defer { task = nil }; return task }) else { return }
        let ended = DispatchSemaphore(value: 0)
        Task.detached { await running.value; ended.signal() }
        if ended.wait(timeout: .now() + seconds) == .timedOut {
            running.cancel()
            ended.wait()
        }
    }
}

/// Runs async work from synchronous code (a command; the daemon's run loop is synchronous).
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = BlockingBox<T>()
    Task.detached { box.value = await body(); box.done.signal() }
    box.done.wait()
    return box.value!
}

private final class BlockingBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
