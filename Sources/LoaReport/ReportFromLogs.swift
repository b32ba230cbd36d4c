import Foundation
import LoaLog
import LoaPlan

extension ReportBuilder {
    /// Reads the logs at `paths` (each verified in the same pass; a broken chain is reported, not fatal) and builds the
    /// report. A file that cannot be read at all throws its `LogError`.
    ///
    /// Reading and verifying (SQLite and SHA-256 on every row) is nearly all of the time, and each station's log is
    /// independent, so a batch of logs is read at once, one per core; the builder then takes the batch's events
    /// log by log in `logPaths` order, so the report, and the error thrown when several logs fail (the first in
    /// order), are the same as reading one log after another. A batch holds only a few logs' events in memory.
    public static func build(plan: Plan, span: DateRange, logPaths: [String],
                             owed: @escaping (Message, Station) -> [Due]) throws -> Report {
        var builder = ReportBuilder(plan: plan, span: span, owed: owed)
        let batchSize = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2
        var start = 0
        while start < logPaths.count {
            let batch = Array(logPaths[start..<min(start + batchSize, logPaths.count)])
            let results = LogReads(count: batch.count)
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                results.set(i, Result {
                    let log = try AiringLog(path: batch[i], readOnly: true)
                    var events: [AiringEvent] = []
                    let chain = try log.verify(decoding: .counting) { events.append($0) }
                    return (events, chain)
                })
            }
            for (path, result) in zip(batch, results.all()) {
                let (events, chain) = try result.get()
                builder.beginLog(name: path)
                for e in events { builder.add(e) }
                builder.endLog(chain: chain)
            }
            start += batch.count
        }
        return builder.report()
    }
}

/// One slot per log of a batch, filled from the worker threads of `concurrentPerform`.
private final class LogReads: @unchecked Sendable {
    typealias Read = Result<([AiringEvent], ChainCheck), any Error>
    private let lock = NSLock()
    private var slots: [Read?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ read: Read) { lock.lock(); slots[i] = read; lock.unlock() }

    /// Every slot, once `concurrentPerform` has returned (so all are set).
    func all() -> [Read] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
