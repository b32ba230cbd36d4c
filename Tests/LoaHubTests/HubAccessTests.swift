import Foundation
import GRDB
import NIOHTTP1
import LoaCore
import LoaLog
import LoaHub
import LoaSync
import LoaTestSupport
import Testing

/// Tokens and refusals: every refusal is a 401/403 with a JSON body that names the fault.
@Suite(.serialized) struct HubAccessTests {
    @Test(arguments: StoreKind.allCases) func missingOrWrongTokenIs401AndAStationReachesOnlyItsOwnStation(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        var (status, body, _) = try await hub.raw(.GET, "/api/v1/plan", token: nil)
        #expect(status == 401)
        #expect(refusal(body)?.error == "unauthorized")
        #expect(refusal(body)?.message.contains("missing access token") == true)
        (status, body, _) = try await hub.raw(.GET, "/api/v1/plan", token: "not-a-token")
        #expect(status == 401)
        #expect(refusal(body)?.messageVi.contains("không hợp lệ") == true)

        let rows = try stationLog("ba-dinh", airings: 1).events()
        let line = try JSONEncoder().encode(rows[0])
        (status, body, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/events",
                                              token: hub.stationTokens["hoan-kiem"], body: line)
        #expect(status == 403)
        #expect(refusal(body)?.message.contains("station 'ba-dinh'") == true)
        (status, body, _) = try await hub.raw(.GET, "/api/v1/stations", token: hub.stationTokens["ba-dinh"])
        #expect(status == 403)
        #expect(refusal(body)?.error == "forbidden")
        (status, _, _) = try await hub.raw(.PUT, "/api/v1/blobs/\(String(repeating: "a", count: 64))",
                                           token: hub.stationTokens["ba-dinh"], body: Data("x".utf8))
        #expect(status == 403)
        // The station's own token is accepted for its own events.
        (status, _, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/events",
                                           token: hub.stationTokens["ba-dinh"], body: line)
        #expect(status == 200)
    }

    @Test func onlyTokenHashesAreStored() async throws {
        let data = TemporaryFolders.make("loa-hub-tokens").appendingPathComponent("data")
        let hub = try HubService.open(data: data.path)
        let token = try await hub.issueToken(.station("ba-dinh"))
        #expect(try await hub.store.grant(forTokenHash: HubTokens.hash(token)) == .station("ba-dinh"))
        let bytes = try Data(contentsOf: data.appendingPathComponent("hub.sqlite"))
        #expect(bytes.range(of: Data(token.utf8)) == nil, "the token itself is nowhere in the database")
        let queue = try DatabaseQueue(path: data.appendingPathComponent("hub.sqlite").path)
        let stored = try await queue.read { db in try String.fetchAll(db, sql: "SELECT hash FROM tokens") }
        #expect(stored == [HubTokens.hash(token)])
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let hub = try await RunningHub.start(maxBody: 1024)
        defer { Task { await hub.stop() } }
        let big = Data(repeating: 7, count: 4096)
        let (status, body, _) = try await hub.raw(.PUT, "/api/v1/blobs/\(sha256Hex(big))", token: hub.admin, body: big)
        #expect(status == 413)
        #expect(refusal(body)?.error == "tooLarge")
        #expect(hub.service.blobs.size(of: sha256Hex(big)) == nil)
    }

    @Test func blobsAreCheckedAgainstTheirNameAndServedWithRange() async throws {
        let hub = try await RunningHub.start()
        defer { Task { await hub.stop() } }
        let bytes = Data((0..<1000).map { UInt8($0 % 251) })
        let sha = sha256Hex(bytes)
        var (status, body, _) = try await hub.raw(.PUT, "/api/v1/blobs/\(sha)", token: hub.admin, body: bytes + [1])
        #expect(status == 422)
        #expect(refusal(body)?.error == "hashMismatch")
        #expect(try await hub.adminClient.hasBlob(sha) == false)
        try await hub.adminClient.putBlob(bytes, sha256: sha)
        #expect(try await hub.adminClient.hasBlob(sha))
        var headers: HTTPHeaders
        (status, body, headers) = try await hub.raw(.GET, "/api/v1/blobs/\(sha)", token: hub.stationTokens["ba-dinh"],
                                                    headers: ["Range": "bytes=100-199"])
        #expect(status == 206)
        #expect(body == bytes[100..<200])
        #expect(headers.first(name: "Content-Range") == "bytes 100-199/1000")
        (status, body, _) = try await hub.raw(.GET, "/api/v1/blobs/\(sha)", token: hub.stationTokens["ba-dinh"],
                                              headers: ["Range": "bytes=990-"])
        #expect(status == 206 && body == bytes[990...])
        (status, _, _) = try await hub.raw(.GET, "/api/v1/blobs/\(sha)", token: hub.admin, headers: ["Range": "bytes=5000-"])
        #expect(status == 416)
        (status, body, _) = try await hub.raw(.GET, "/api/v1/blobs/\(sha)", token: hub.admin)
        #expect(status == 200 && body == bytes)
    }
}
