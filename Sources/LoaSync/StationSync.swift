import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// The station's side of the hub for `loa run --hub`: fetch the plan into the cache and switch to it only when it
/// loads without errors, push the log; every outcome said in words for the journal. The plan check is injected
/// (the face passes the daemon's own `loadCheckedPlan`), so this module needs no engine.
public final class StationSync: Sendable {
    public let cache: PlanCache
    public let client: HubClient
    public let pusher: EventPusher
    /// Loads a fetched plan file: nil when it is good, else its errors in words.
    public let checkPlan: @Sendable (URL) -> String?

    public init(cache: PlanCache, client: HubClient, pusher: EventPusher, checkPlan: @escaping @Sendable (URL) -> String?) {
        self.cache = cache; self.client = client; self.pusher = pusher; self.checkPlan = checkPlan
    }

    /// What a plan check found.
    public enum PlanOutcome: Sendable, Hashable {
        case unchanged(version: String)
        /// A new good plan: the daemon reloads it.
        case switched(version: String)
        /// The hub's plan is bad or could not be fetched; the last good one stays on air (nil: there is none yet).
        case keptLast(version: String?, reason: Localized)

        public var words: Localized {
            switch self {
            case .unchanged(let v):
                Localized(vi: "kế hoạch \(v) không đổi", en: "plan \(v) unchanged")
            case .switched(let v):
                Localized(vi: "đã nhận kế hoạch mới \(v) từ hub", en: "received new plan \(v) from the hub")
            case .keptLast(let v, let reason):
                Localized(vi: "giữ kế hoạch tốt gần nhất \(v ?? "(chưa có)"): \(reason.vi)",
                          en: "keeping the last good plan \(v ?? "(none yet)"): \(reason.en)")
            }
        }
    }

    /// The last good plan's main file, for the daemon's `loadPlan`.
    public var currentPlanFile: URL? { cache.current().map(cache.planFile(of:)) }

    public func checkPlanOnce() async -> PlanOutcome {
        let good = cache.current()
        do {
            let fetched = try await cache.sync(with: client)
            if fetched.manifest.version == good?.version { return .unchanged(version: fetched.manifest.version) }
            if !fetched.isNew, good != nil {
                return .keptLast(version: good?.version, reason: Localized(
                    vi: "kế hoạch \(fetched.manifest.version) của hub có lỗi", en: "the hub's plan \(fetched.manifest.version) has errors"))
            }
            if let errors = checkPlan(fetched.planFile) {
                return .keptLast(version: good?.version, reason: Localized(
                    vi: "kế hoạch \(fetched.manifest.version) của hub có lỗi: \(errors)",
                    en: "the hub's plan \(fetched.manifest.version) has errors: \(errors)"))
            }
            try cache.markGood(fetched.manifest)
            return .switched(version: fetched.manifest.version)
        } catch let error as SyncError {
            return .keptLast(version: good?.version, reason: error.localized)
        } catch {
            return .keptLast(version: good?.version, reason: Localized(vi: "\(error)", en: "\(error)"))
        }
    }

    /// Pushes what the hub lacks; the fault in words when it could not (the rows stay for the next try).
    public func pushOnce() async -> Result<EventPusher.Outcome, SyncError> {
        do { return .success(try await pusher.pushPending()) } catch let error as SyncError {
            return .failure(error)
        } catch {
            return .failure(SyncError(.localFile, subject: pusher.log.path, Localized(vi: "\(error)", en: "\(error)")))
        }
    }
}
