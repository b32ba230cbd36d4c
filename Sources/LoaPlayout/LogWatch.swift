import Dispatch
import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// Looks every few seconds (and at stop) whether the log file is still the one the daemon writes: deleted or moved
/// away under it, the log is written back at its path from the daemon's open copy, with the break recorded in it,
/// said on the journal and kept as a problem in the status. Nothing the log held is lost. Its lock file, deleted with
/// it or alone, is made and taken again, so a second daemon still cannot start on the log.
final class LogWatch: Sendable {
    let log: AiringLog
    let lock: LogWriterLock?
    let interval: TimeInterval
    /// The break's `at`, from the daemon's clock in the plan's zone.
    let now: @Sendable () -> String
    let problem: @Sendable (String) -> Void
    private let state = Locked<(timer: (any DispatchSourceTimer)?, note: Localized?, lastError: String?)>((nil, nil, nil))

    init(log: AiringLog, lock: LogWriterLock?, interval: TimeInterval, now: @escaping @Sendable () -> String,
         problem: @escaping @Sendable (String) -> Void) {
        self.log = log; self.lock = lock; self.interval = interval; self.now = now; self.problem = problem
    }

    /// What the status shows after a break, for the rest of the daemon's life.
    var note: Localized? { state.current.note }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "loa.logwatch"))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [self] in check() }
        state.withLock { $0.timer = timer }
        timer.resume()
    }

    /// At stop: no more timed looks; one last, so a log deleted just before the stop is written back too.
    func finish() {
        state.withLock { s in s.timer?.cancel(); s.timer = nil }
        check()
    }

    func check() {
        checkLog()
        checkLock()
    }

    private func checkLock() {
        guard let lock else { return }
        do {
            if try lock.reclaimIfLost() {
                problem("loa: " + tr("tệp khoá \(lock.path) bị xoá hoặc thay; đã tạo và giữ lại",
                                     "the lock file \(lock.path) was deleted or replaced; made and held again"))
            }
        } catch {
            let text = Localized(vi: "Không giữ lại được khoá của nhật ký: \(error)",
                                 en: "Cannot hold the log's lock again: \(error)")
            let first = state.withLock { s in defer { s.note = text }; return s.note != text }
            if first { problem("loa: " + tr(text.vi, text.en)) }
        }
    }

    private func checkLog() {
        let path = log.path
        let detail = tr("nhật ký \(path) bị xoá hoặc chuyển đi khi trình phát đang chạy; đã ghi lại từ bản đang mở",
                        "the airing log \(path) was deleted or moved away while the daemon ran; written back from its open copy")
        do {
            guard let found = try log.restoreIfVanished(at: now(), detail: detail) else { return }
            let text = Localized(
                vi: "Nhật ký \(path) bị xoá hoặc chuyển đi lúc \(found.at); đã ghi lại đủ \(found.lastSeq) dòng "
                    + "(dòng cuối seq \(found.lastSeq), hash \(found.lastHash.prefix(16))…) và ghi tiếp vào đó",
                en: "The airing log \(path) was deleted or moved away at \(found.at); all \(found.lastSeq) rows were "
                    + "written back (last seq \(found.lastSeq), hash \(found.lastHash.prefix(16))…) and it goes on there")
            state.withLock { $0.note = text; $0.lastError = nil }
            problem("loa: " + tr(text.vi, text.en))
        } catch {
            let why = "\(error)"
            let first = state.withLock { s in defer { s.lastError = why }; return s.lastError != why }
            let text = Localized(
                vi: "Nhật ký \(path) đã mất khỏi ổ đĩa và chưa ghi lại được (\(why)); sự kiện vẫn được ghi vào bản đang mở",
                en: "The airing log \(path) vanished and could not be written back (\(why)); events go on into the open copy")
            state.withLock { $0.note = text }
            if first { problem("loa: " + tr(text.vi, text.en)) }
        }
    }
}
