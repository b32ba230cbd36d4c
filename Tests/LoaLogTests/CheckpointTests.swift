import Foundation
import LoaCore
import LoaLog
import LoaTestSupport
import Testing

@Suite struct CheckpointTests {
    @Test func aCheckpointVerifiesWithItsKeyAndNotOnceAnyFieldChanges() throws {
        let file = TemporaryFolders.make("loa-key").appendingPathComponent("state/station.key")
        let key = try StationKey.loadOrCreate(at: file)
        #expect(try StationKey.loadOrCreate(at: file).publicKey == key.publicKey, "the key is kept, not remade")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let c = try key.checkpoint(station: "ba-dinh", seq: 42, hash: String(repeating: "a", count: 64),
                                   at: "2026-06-01T06:10:00.000+07:00")
        #expect(c.isSigned())
        #expect(c.isSigned(by: key.publicKey))
        #expect(!c.isSigned(by: StationKey.ephemeral().publicKey))
        var cut = c; cut.seq = 41
        #expect(!cut.isSigned())
        var other = c; other.station = "hoan-kiem"
        #expect(!other.isSigned())
        let json = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(Checkpoint.self, from: json) == c)
        #expect(String(decoding: json, as: UTF8.self).contains("\"public_key\""))
    }
}
