import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// Pushes a station's log rows to the hub in seq order, in batches, from the first row the hub has not yet
/// acknowledged; each acknowledgement's receipt (signed by the hub) is kept in the log, and the last receipt says
/// where the next push starts. Rows are never removed from the box: when the hub is away or refuses (507, a
/// network fault) the same rows go again at the next try, and the hub takes re-sent identical rows as they are.
public struct EventPusher: Sendable {
    public let log: AiringLog
    public let station: String
    public let client: HubClient
    /// The station key's public half: checkpoints it signed (the box's own, SPEC §6) share the log's checkpoint table
    /// with the hub's receipts, and are not receipts.
    public let stationKey: String
    public let batchSize: Int

    public init(log: AiringLog, station: String, client: HubClient, stationKey: String, batchSize: Int = 2000) {
        self.log = log; self.station = station; self.client = client; self.stationKey = stationKey
        self.batchSize = batchSize
    }

    /// The seq through which the hub has acknowledged this log (0: nothing yet).
    public func acknowledged() throws -> Int64 {
        try log.lastCheckpointSeq(station: station, notSignedBy: stationKey)
    }

    /// What one `pushPending` did.
    public struct Outcome: Sendable, Hashable {
        public var pushed: Int
        public var through: Int64
    }

    /// Pushes every row after the acknowledged one; returns once the hub holds them all, or throws the first fault
    /// (the rows stay for the next try).
    public func pushPending() async throws -> Outcome {
        let before = try acknowledged()
        var through = before, pushed = 0
        while true {
            let rows = try log.events(LogFilter(afterSeq: through, limit: batchSize))
            guard let last = rows.last else {
                // The box's own checkpoints over the rows just acknowledged (the hub checks them against the rows).
                let own = try log.checkpoints(afterSeq: before).filter { $0.publicKey == stationKey && $0.seq <= through }
                if !own.isEmpty { try await client.push(station: station, checkpoints: own) }
                return Outcome(pushed: pushed, through: through)
            }
            let ack = try await client.push(station: station, rows: rows)
            guard ack.through >= last.seq, let receipt = ack.receipt, receipt.isSigned(), receipt.seq == ack.through,
                  receipt.station == station else {
                throw SyncError(.badAnswer, subject: "POST \(client.base)/api/v1/stations/\(station)/events", Localized(
                    vi: "hub xác nhận không đúng (đến seq \(ack.through), chờ \(last.seq), biên nhận không hợp lệ)",
                    en: "the hub's acknowledgement is wrong (through seq \(ack.through), expected \(last.seq), or a bad receipt)"))
            }
            guard receipt.hash == last.hash || ack.through > last.seq else {
                throw SyncError(.badAnswer, subject: "POST \(client.base)/api/v1/stations/\(station)/events", Localized(
                    vi: "biên nhận của hub nêu hash khác dòng seq \(last.seq)", en: "the hub's receipt names another hash for seq \(last.seq)"))
            }
            try log.append(checkpoint: receipt)
            pushed += rows.count
            through = ack.through
        }
    }
}
