import Foundation
import LoaCore
import LoaL10n

/// A running station's link to the hub: in the background, pushes new log rows every `pushEvery` seconds and checks
/// the plan every `every` seconds, reloading the daemon when a new good plan arrives; says every change in the journal.
public final class HubLink: Sendable {
    public let sync: StationSync
    public let every: Double
    public let pushEvery: Double
    private let loop = LockedTask()
    /// Also done every round (the alert listener's JSON poll, issue 17).
    public let alsoEachRound: (@Sendable () async -> Void)?

    public init(sync: StationSync, every: Double, pushEvery: Double, alsoEachRound: (@Sendable () async -> Void)? = nil) {
        self.sync = sync; self.every = every; self.pushEvery = pushEvery; self.alsoEachRound = alsoEachRound
    }

    /// The last good plan's file (the link is made only once there is one).
    public var planPath: String? { sync.currentPlanFile?.path }

    /// Starts the loop; `reload` is called when a new good plan has arrived (the daemon's reload).
    @discardableResult
    public func start(reload: @escaping @Sendable () -> Void, report: @escaping @Sendable (String) -> Void) -> HubLink {
        let sync = self.sync, every = self.every, pushEvery = self.pushEvery, alsoEachRound = self.alsoEachRound
        loop.set(Task.detached {
            var lastPushFault: String?
            var lastCheck = Date()   // link() has just checked
            while !Task.isCancelled {
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
                await alsoEachRound?()
                try? await Task.sleep(nanoseconds: UInt64(pushEvery * 1e9))
            }
        })
        return self
    }

    /// Stops the loop and pushes what is left once, so a clean stop leaves the hub up to date when it is reachable.
    public func finish(report: @Sendable (String) -> Void) {
        loop.cancel()
        let sync = self.sync
        switch runBlocking({ await sync.pushOnce() }) {
        case .success(let outcome):
            report(tr("loa: hub: nhật ký đã đẩy đến seq \(outcome.through)", "loa: hub: log pushed through seq \(outcome.through)"))
        case .failure(let error):
            report(tr("loa: hub: nhật ký chưa đẩy hết (sẽ đẩy lần chạy sau): ", "loa: hub: log not fully pushed (next run pushes it): ")
                     + error.description)
        }
    }
}

/// The background task, held so it can be cancelled from the command's thread.
final class LockedTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    func set(_ task: Task<Void, Never>) { lock.withLock { self.task = task } }
    func cancel() { lock.withLock { task?.cancel(); task = nil } }
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
