import Dispatch
import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// Signs checkpoints of the daemon's log (SPEC §6): every `interval` seconds while the daemon runs (when rows were
/// added since the last one) and once at stop, with the box's `StationKey`. A failure to sign is a problem line,
/// never a reason to stop airing.
final class CheckpointSigner: Sendable {
    let log: AiringLog
    let key: StationKey
    let station: String
    let interval: TimeInterval
    /// The checkpoint's `at`, from the daemon's clock in the plan's zone.
    let now: @Sendable () -> String
    let problem: @Sendable (String) -> Void
    private let state = Locked<(timer: (any DispatchSourceTimer)?, lastSeq: Int64)>((nil, 0))

    init(log: AiringLog, key: StationKey, station: String, interval: TimeInterval,
         now: @escaping @Sendable () -> String, problem: @escaping @Sendable (String) -> Void) {
        self.log = log; self.key = key; self.station = station; self.interval = interval; self.now = now
        self.problem = problem
        let last: Int64 = (try? log.checkpoints().last?.seq) ?? 0
        state.withLock { $0.lastSeq = last }
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "loa.checkpoints"))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [self] in sign(force: false) }
        state.withLock { $0.timer = timer }
        timer.resume()
    }

    /// At stop: no more timed checkpoints; one covering the last row.
    func finish() {
        state.withLock { s in s.timer?.cancel(); s.timer = nil }
        sign(force: true)
    }

    /// Signs the last row unless it is already covered (`force`: sign even then, so the stop is on record).
    func sign(force: Bool) {
        do {
            let covered = state.withLock { $0.lastSeq }
            if !force, try log.events(LogFilter(afterSeq: covered, limit: 1)).isEmpty { return }
            if let c = try log.signCheckpoint(station: station, key: key, at: now()) {
                state.withLock { $0.lastSeq = max($0.lastSeq, c.seq) }
            }
        } catch {
            problem(tr("loa: không ký được điểm kiểm tra nhật ký: \(error)",
                       "loa: could not sign a log checkpoint: \(error)"))
        }
    }
}
