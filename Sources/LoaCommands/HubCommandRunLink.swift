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
    func link(station: String, logPath: String, stateFolder: URL,
              alsoEachRound: (@Sendable () async -> Void)? = nil) throws -> HubLink? {
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
            let link = HubLink(sync: sync, every: syncEvery, pushEvery: pushEvery, alsoEachRound: alsoEachRound)
            let first = runBlocking { await sync.checkPlanOnce() }
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
