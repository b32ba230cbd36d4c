import Foundation
import LoaCore
import LoaLog

/// The airing logs the hub's report reads, one per station under `DATA/report-logs/`, kept between reports and
/// brought up to date by appending only the rows stored since (the hub never changes a stored row: a diverging
/// batch is refused whole). Writing every station's whole log again for each report cost a city's year about 16 s
/// of CPU; now only the first report pays it. A copy whose last row no longer matches the store's (a store
/// rebuilt under the same folder, say) is written anew.
extension HubService {
    var reportLogFolder: URL { blobs.folder.deletingLastPathComponent().appendingPathComponent("report-logs") }

    /// Runs `body` over each station's up-to-date log file (stations with rows only); no other report appends to
    /// them meanwhile.
    func withReportLogs<T: Sendable>(subject: String, _ body: ([String]) throws -> T) async throws -> T {
        await ReportLogGate.shared.acquire()
        do {
            let result = try body(try await updateReportLogs(subject: subject))
            await ReportLogGate.shared.release()
            return result
        } catch {
            await ReportLogGate.shared.release()
            throw error
        }
    }

    private func updateReportLogs(subject: String) async throws -> [String] {
        try FileManager.default.createDirectory(at: reportLogFolder, withIntermediateDirectories: true)
        var paths: [String] = []
        for station in try await store.stations() where station.lastSeq > 0 {
            // Station ids are plan ids (no `/`), but the file name must not depend on that.
            let name = station.station.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_"]))
                ?? station.station
            let path = reportLogFolder.appendingPathComponent("\(name).sqlite").path
            var held = Int64(0)
            if FileManager.default.fileExists(atPath: path) {
                held = (try? await heldThrough(station: station.station, path: path)) ?? 0
                if held == 0 { removeLog(path) }
            }
            if held < station.lastSeq {
                let log = try AiringLog(path: path)
                _ = try await appendRows(station: station.station, after: held, to: log, subject: subject)
                try log.checkpoint()
            }
            paths.append(path)
        }
        return paths
    }

    /// The seq through which the copy at `path` equals the store (its row count, when its last row's hash is the
    /// store's for that seq); 0 when it does not.
    private func heldThrough(station: String, path: String) async throws -> Int64 {
        let log = try AiringLog(path: path, readOnly: true)
        let count = Int64(try log.count())
        guard count > 0, let mine = try log.events(LogFilter(afterSeq: count - 1, limit: 1)).first,
              let stored = try await store.events(station: station, afterSeq: count - 1, limit: 1).first,
              mine.seq == count, stored.hash == mine.hash else { return 0 }
        return count
    }
}

/// One report brings the copies up to date at a time (a second waits, then finds them current).
actor ReportLogGate {
    static let shared = ReportLogGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
