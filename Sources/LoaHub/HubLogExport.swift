import Foundation
import LoaCore
import LoaL10n
import LoaLog

extension HubService {
    /// The station's rows as the hub holds them, written into a fresh airing log (LoaLog's own format), so
    /// `loa log verify` checks the copy as it checks the box: the chain is rebuilt by `AiringLog.append`, and a row
    /// whose rebuilt hash differs from the stored one is refused rather than exported.
    public func exportLog(station: String, subject: String) async throws -> Data {
        let path = scratchFile("sqlite")
        defer { removeLog(path) }
        try await exportLog(station: station, to: path, subject: subject)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A fresh path under the data folder's `scratch/`.
    func scratchFile(_ ext: String) -> String {
        let folder = blobs.folder.deletingLastPathComponent().appendingPathComponent("scratch")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("\(UUID().uuidString).\(ext)").path
    }

    func removeLog(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Writes the station's rows into a new airing log at `path`.
    func exportLog(station: String, to path: String, subject: String) async throws {
        let log = try AiringLog(path: path)
        let after = try await appendRows(station: station, after: 0, to: log, subject: subject)
        guard after > 0 else {
            throw HubError(.notFound, subject: subject, Localized(
                vi: "hub chưa có dòng nhật ký nào của đài '\(station)'", en: "the hub holds no log rows of station '\(station)'"))
        }
        try log.checkpoint()
    }

    /// Appends the station's stored rows after seq `after` to `log`, rebuilding the chain; returns the last seq.
    func appendRows(station: String, after start: Int64, to log: AiringLog, subject: String) async throws -> Int64 {
        var after = start
        while true {
            let rows = try await store.events(station: station, afterSeq: after, limit: 20_000)
            guard let last = rows.last else { break }
            let written = try log.append(contentsOf: rows)
            if let bad = zip(rows, written).first(where: { $0.hash != $1.hash }) {
                throw HubError(.storeFailed, subject: subject, Localized(
                    vi: "dòng seq \(bad.0.seq) của đài '\(station)' trong hub không khớp chuỗi băm",
                    en: "row seq \(bad.0.seq) of station '\(station)' at the hub does not match the hash chain"))
            }
            after = last.seq
        }
        return after
    }
}
