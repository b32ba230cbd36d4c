import LoaCore
import Foundation
import LoaLog
import LoaPlan
import LoaReport

extension BenchLogReport {
    /// Writes one log per station of `plan` into `dir` unless a non-empty one is there already (each log is one
    /// transaction, so a log is either whole or absent). Logs are written on every core.
    static func ensureLogs(plan: Plan, dir: URL, year: DateRange) throws -> (paths: [String], rows: Int, airings: Int) {
        let paths = plan.stations.map { dir.appendingPathComponent("\($0.id).sqlite").path }
        let counts = Counts(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            do {
                if let existing = try? AiringLog(path: paths[i], readOnly: true), let n = try? existing.count(), n > 0 {
                    counts.set(i, rows: n, airings: 0)
                    return
                }
                var batch: [AiringEvent] = []
                var airings = 0
                forEachEvent(plan: plan, station: plan.stations[i], year: year) { e in
                    batch.append(e)
                    if e.kind != .started { airings += 1 }
                }
                try AiringLog(path: paths[i]).append(contentsOf: batch)
                counts.set(i, rows: batch.count, airings: airings)
            } catch {
                counts.fail(error)
            }
        }
        if let error = counts.error { throw error }
        return (paths, counts.rows, counts.airings)
    }

    /// A nation's year from 3,321 real logs (≈ 21 million rows, ≈ 6 GB, written once into
    /// .build/bench-report-nation-v1, which takes tens of minutes): the report in all three formats, its time and
    /// peak memory. `LOA_BENCH_NATION_LOGS=1`.
    static func benchNationFromLogs(year: DateRange, cityRows: Int, citySeconds: Double) throws {
        let dir = try benchDir("report-nation-v1")
        let nation = syntheticPlan(stations: 3321, year: year)
        let gen = DispatchTime.now()
        let (paths, rows, written) = try ensureLogs(plan: nation, dir: dir, year: year)
        print(String(format: "report: nation %d logs, %d rows, ready in %.0f s (%d airings written now; setup, not timed)",
                     paths.count, rows, elapsed(since: gen), written))
        resetPeakMemory()
        let t0 = DispatchTime.now(), c0 = cpuSeconds()
        let report = try ReportBuilder.build(plan: nation, span: year, logPaths: paths, reader: SQLiteLogReader())
        let tBuild = elapsed(since: t0), cBuild = cpuSeconds() - c0
        let t1 = DispatchTime.now()
        let sizes = [HTMLReport.render(report, language: .vi), CSVReport.render(report, language: .vi),
                     JSONReport.render(report)].map { $0.utf8.count >> 20 }
        let tRender = elapsed(since: t1)
        let tally = report.totals.tally
        print(String(format: "report: nation from real logs, %d stations, %d airings: read+verify+count %.1f s wall "
                     + "(%.1f s CPU), three formats %.1f s (html %d MB, csv %d MB, json %d MB); total %.1f s; "
                     + "peak memory %d MB; per row %.2f µs wall (city %.2f µs)",
                     nation.stations.count, tally.aired + tally.failed + tally.missed, tBuild, cBuild, tRender,
                     sizes[0], sizes[1], sizes[2], tBuild + tRender, peakMemoryMB(), tBuild * 1e6 / Double(rows),
                     citySeconds * 1e6 / Double(max(1, cityRows))))
    }
}

extension BenchLogReport {
    /// The city's year as ONE merged log (790,618 rows in one file, as a province might send it), written once into
    /// .build/bench-report-merged-v1: report time and peak memory, which the pipeline keeps bounded by reading a
    /// log in pieces. `LOA_BENCH_MERGED=1`.
    static func benchMergedLog(plan: Plan, year: DateRange) throws {
        let path = try benchDir("report-merged-v1").appendingPathComponent("city.sqlite").path
        if (try? AiringLog(path: path, readOnly: true).count()) ?? 0 == 0 {
            var all: [AiringEvent] = []
            for station in plan.stations { forEachEvent(plan: plan, station: station, year: year) { all.append($0) } }
            try AiringLog(path: path).append(contentsOf: all)
        }
        resetPeakMemory()
        let t0 = DispatchTime.now(), c0 = cpuSeconds()
        let report = try ReportBuilder.build(plan: plan, span: year, logPaths: [path], reader: SQLiteLogReader())
        let html = HTMLReport.render(report, language: .vi)
        let tally = report.totals.tally
        print(String(format: "report: one merged log of the city, %d airings: %.2f s wall, %.2f s CPU (with HTML, "
                     + "%d KB), peak memory %d MB", tally.aired + tally.failed + tally.missed, elapsed(since: t0),
                     cpuSeconds() - c0, html.utf8.count >> 10, peakMemoryMB()))
    }
}

/// Per-log results from the writer threads.
private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var perLog: [(rows: Int, airings: Int)]
    private(set) var error: (any Error)?

    init(count: Int) { perLog = Array(repeating: (0, 0), count: count) }

    func set(_ i: Int, rows: Int, airings: Int) { lock.lock(); perLog[i] = (rows, airings); lock.unlock() }
    func fail(_ e: any Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var rows: Int { lock.lock(); defer { lock.unlock() }; return perLog.reduce(0) { $0 + $1.rows } }
    var airings: Int { lock.lock(); defer { lock.unlock() }; return perLog.reduce(0) { $0 + $1.airings } }
}
