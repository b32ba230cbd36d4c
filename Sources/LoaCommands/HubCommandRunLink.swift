import ArgumentParser
import Foundation
import LoaCore
import LoaL10n
import LoaLog
import LoaPlayout
import LoaSync

/// `loa run`'s options for a station fed by the hub (SPEC §8): no PLAN, the plan comes from the hub.
public struct RunHubOptions: ParsableArguments {
    @Option(help: "The hub's URL; the plan comes from it and the log goes to it.") var hub: String?
    @Option(help: "A file holding this station's hub token.") var tokenFile: String?
    @Option(help: "Where plans fetched from the hub are kept (default: plan-cache beside the log).") var planCache: String?
    @Option(help: "Seconds between plan checks.") var syncEvery: Double = 60
    @Option(help: "Seconds between pushes of new log rows.") var pushEvery: Double = 5

    public init() {}

    func validate(plan: String?) throws {
        if hub == nil {
            guard plan != nil else {
                throw ValidationError(tr("cần tệp kế hoạch, hoặc --hub URL --token-file F", "give a plan file, or --hub URL --token-file F"))
            }
            guard tokenFile == nil, planCache == nil else {
                throw ValidationError(tr("--token-file và --plan-cache chỉ dùng với --hub", "--token-file and --plan-cache need --hub"))
            }
        } else {
            guard plan == nil else {
                throw ValidationError(tr("với --hub, kế hoạch đến từ hub: bỏ tham số PLAN", "with --hub the plan comes from the hub: leave out PLAN"))
            }
            guard tokenFile != nil else { throw ValidationError(tr("--hub cần --token-file", "--hub needs --token-file")) }
            guard syncEvery > 0, pushEvery > 0 else {
                throw ValidationError(tr("--sync-every và --push-every phải dương", "--sync-every and --push-every must be positive"))
            }
        }
    }

    /// The link to the hub, its first plan check done (nil without `--hub`).
    func link(station: String, logPath: String, stateFolder: URL) throws -> HubLink? {
        guard let hub, let tokenFile else { return nil }
        do {
            let client = HubClient(base: hub, token: try HubClient.token(fromFile: tokenFile))
            let cacheFolder = planCache.map { URL(fileURLWithPath: $0) }
                ?? URL(fileURLWithPath: logPath).deletingLastPathComponent().appendingPathComponent("plan-cache")
            try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
            // The box's own checkpoints share the log with the hub's receipts; only the receipts say what was pushed.
            let stationKey = try StationKey.loadOrCreate(at: stateFolder.appendingPathComponent("station.key")).publicKey
            let pusher = EventPusher(log: try AiringLog(path: logPath), station: station, client: client,
                                     stationKey: stationKey)
            let sync = StationSync(cache: PlanCache(folder: cacheFolder), client: client, pusher: pusher) { file in
                let result = loadCheckedPlan(path: file.path)
                return result.hasErrors ? result.errors.map { $0.formatted() }.joined(separator: "; ") : nil
            }
            let link = HubLink(sync: sync, every: syncEvery, pushEvery: pushEvery)
            let first = blocking { await sync.checkPlanOnce() }
            printErr("loa: hub: " + first.words.text())
            guard sync.currentPlanFile != nil else {
                throw failure(tr("loa: không có kế hoạch từ hub và chưa có bản nào trong \(cacheFolder.path)",
                                 "loa: no plan from the hub and none cached in \(cacheFolder.path)"))
            }
            return link
        } catch let error as SyncError {
            throw failure(error.description)
        }
    }
}

/// A running station's link to the hub: in the background, pushes new log rows every `pushEvery` seconds and checks
/// the plan every `every` seconds, reloading the daemon when a new good plan arrives; says every change in the journal.
final class HubLink: Sendable {
    let sync: StationSync
    let every: Double
    let pushEvery: Double
    private let loop = LockedTask()

    init(sync: StationSync, every: Double, pushEvery: Double) {
        self.sync = sync; self.every = every; self.pushEvery = pushEvery
    }

    func planPath() throws -> String {
        guard let file = sync.currentPlanFile else {
            throw failure(tr("loa: chưa có kế hoạch tốt nào từ hub", "loa: no good plan from the hub yet"))
        }
        return file.path
    }

    func start(daemon: StationDaemon, report: @escaping @Sendable (String) -> Void) -> HubLink {
        let sync = self.sync, every = self.every, pushEvery = self.pushEvery
        loop.set(Task.detached {
            var lastPushFault: String?
            var lastCheck = Date()   // link() has just checked
            while !Task.isCancelled {
                if Date().timeIntervalSince(lastCheck) >= every {
                    lastCheck = Date()
                    let plan = await sync.checkPlanOnce()
                    switch plan {
                    case .unchanged: break
                    case .switched: report("loa: hub: " + plan.words.text()); _ = daemon.reload()
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
                try? await Task.sleep(nanoseconds: UInt64(pushEvery * 1e9))
            }
        })
        return self
    }

    /// Stops the loop and pushes what is left once, so a clean stop leaves the hub up to date when it is reachable.
    func finish() {
        loop.cancel()
        let sync = self.sync
        switch blocking({ await sync.pushOnce() }) {
        case .success(let outcome):
            printErr(tr("loa: hub: nhật ký đã đẩy đến seq \(outcome.through)", "loa: hub: log pushed through seq \(outcome.through)"))
        case .failure(let error):
            printErr(tr("loa: hub: nhật ký chưa đẩy hết (sẽ đẩy lần chạy sau): ", "loa: hub: log not fully pushed (next run pushes it): ")
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

/// Runs async work from a synchronous command (the daemon's run loop is synchronous).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = BlockingBox<T>()
    Task.detached { box.value = await body(); box.done.signal() }
    box.done.wait()
    return box.value!
}

private final class BlockingBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
