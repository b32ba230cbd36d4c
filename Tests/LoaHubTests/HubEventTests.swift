import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import Testing

/// Evidence at the hub: pushed rows are checked against the stored chain, re-sends are fine, a rewritten log marks
/// the station diverged and the hub keeps what it had; receipts are signed with the hub's key.
@Suite(.serialized) struct HubEventTests {
    @Test(arguments: StoreKind.allCases) func rowsArriveInOrderReSendsAreFineAndReceiptsAreSigned(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let rows = try stationLog("ba-dinh", airings: 5).events()
        let client = hub.station("ba-dinh")
        let ack1 = try await client.push(station: "ba-dinh", rows: Array(rows[0..<4]))
        #expect(ack1.through == 4 && ack1.hash == rows[3].hash)
        let receipt = try #require(ack1.receipt)
        #expect(receipt.isSigned(by: hub.service.key.publicKey))
        #expect(receipt.seq == 4 && receipt.hash == rows[3].hash && receipt.station == "ba-dinh")
        // A batch overlapping what was acknowledged (the station did not hear the answer): accepted, not doubled.
        let ack2 = try await client.push(station: "ba-dinh", rows: Array(rows[2...]))
        #expect(ack2.through == 10)
        let stored = try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 100)
        #expect(stored == rows, "the hub's rows equal the box's, byte for byte")
        #expect(try await client.push(station: "ba-dinh", rows: rows).through == 10)
    }

    @Test(arguments: StoreKind.allCases) func aGapOrATamperedRowOrAMalformedLineIsRefusedAndChangesNothing(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let rows = try stationLog("ba-dinh", airings: 3).events()
        let client = hub.station("ba-dinh")
        for bad in [[rows[0], rows[2]], [{ var t = rows[0]; t.playedSeconds = 99; return t }()]] {
            do {
                _ = try await client.push(station: "ba-dinh", rows: bad)
                Issue.record("a gap or a tampered row must be refused")
            } catch let error as SyncError {
                #expect(error.status == 422 && error.refusal?.error == "badRequest", "\(error)")
            }
        }
        let line = try JSONEncoder().encode(rows[0]) + Data("\n{\"seq\": 2, oops\n".utf8)
        let (status, body, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/events", token: hub.stationTokens["ba-dinh"], body: line)
        #expect(status == 422)
        #expect(refusal(body)?.message.contains("line 2") == true)
        #expect(try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func aStationThatRewroteItsLogIsDivergedAndTheHubKeepsItsRows(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let original = try stationLog("ba-dinh", airings: 3).events()
        let client = hub.station("ba-dinh")
        _ = try await client.push(station: "ba-dinh", rows: original)
        // The owner rebuilds the log with another detail on the first airing: every hash from seq 1 differs.
        let rewritten = try stationLog("ba-dinh", airings: 4, detail: "sửa lại").events()
        do {
            _ = try await client.push(station: "ba-dinh", rows: rewritten)
            Issue.record("a rewritten log must be refused")
        } catch let error as SyncError {
            #expect(error.kind == .diverged && error.status == 409)
            #expect(error.refusal?.divergedAt == 1)
        }
        let status = try await hub.adminClient.stations().first { $0.station == "ba-dinh" }
        #expect(status?.divergedAt == 1 && status?.lastSeq == 6)
        #expect(try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 100) == original)
        // A chain that does not continue the stored one (same seqs after, other prev_hash) is divergence too.
        let other = try stationLog("hoan-kiem", airings: 2).events()
        _ = try await hub.station("hoan-kiem").push(station: "hoan-kiem", rows: Array(other.prefix(2)))
        let fork = try stationLog("hoan-kiem", airings: 2, detail: "khác").events()
        var next = fork[2]
        next.prevHash = fork[1].hash
        next.hash = Chain.hash(next)
        await #expect(throws: SyncError.self) { try await hub.station("hoan-kiem").push(station: "hoan-kiem", rows: [next]) }
        #expect(try await hub.adminClient.stations().first { $0.station == "hoan-kiem" }?.divergedAt == 3)
    }

    @Test(arguments: StoreKind.allCases) func checkpointsAreCheckedAgainstTheKeyRegisteredOnFirstContact(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let log = try stationLog("ba-dinh", airings: 3)
        let rows = try log.events()
        let key = StationKey.ephemeral()
        try log.append(checkpoint: try key.checkpoint(station: "ba-dinh", seq: 4, hash: rows[3].hash,
                                                      at: "2026-06-01T06:10:00.000+07:00"))
        let client = hub.station("ba-dinh")
        let pushed = try await EventPusher(log: log, station: "ba-dinh", client: client, stationKey: key.publicKey).pushPending()
        #expect(pushed.through == 6)
        var status = try await hub.adminClient.stations().first { $0.station == "ba-dinh" }
        #expect(status?.publicKey == key.publicKey, "the first checkpoint registered the box's key")
        #expect(try log.checkpoints().filter { $0.publicKey == hub.service.key.publicKey }.last?.seq == 6,
                "the hub's receipt is kept in the log")

        // Another key (a replaced or forged box) is refused; the registered key stays.
        let forged = try StationKey.ephemeral().checkpoint(station: "ba-dinh", seq: 6, hash: rows[5].hash, at: "2026-06-01T07:00:00.000+07:00")
        do {
            try await client.push(station: "ba-dinh", checkpoints: [forged])
            Issue.record("a checkpoint signed by another key must be refused")
        } catch let error as SyncError {
            #expect(error.status == 422 && error.description.contains("registered key"))
        }
        // The box's own key over another hash for a stored row: the log was rewritten.
        let contradiction = try key.checkpoint(station: "ba-dinh", seq: 2, hash: String(repeating: "f", count: 64),
                                               at: "2026-06-01T07:00:00.000+07:00")
        do {
            try await client.push(station: "ba-dinh", checkpoints: [contradiction])
            Issue.record("a checkpoint contradicting a stored row must be refused")
        } catch let error as SyncError {
            #expect(error.status == 409 && error.refusal?.divergedAt == 2)
        }
        status = try await hub.adminClient.stations().first { $0.station == "ba-dinh" }
        #expect(status?.divergedAt == 2 && status?.publicKey == key.publicKey)
    }
}
