import Foundation
import LoaCore
import LoaLog
import LoaTestSupport
import Testing

/// `Chain.holds`, the hub's allocation-free row check, agrees with `Chain.hash` on every field.
@Suite struct ChainHoldsTests {
    @Test func holdsExactlyWhenTheHashRecomputes() throws {
        let path = TemporaryFolders.make("loa-chain-holds").appendingPathComponent("log.sqlite").path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let log = try AiringLog(path: path)
        try log.append(AiringEvent(at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a1", station: "ba-dinh",
                                   plan: "p", message: "tin", slotStart: "2026-06-01T06:00:00+07:00", audio: "a.flac",
                                   audioSHA256: String(repeating: "ab", count: 32), plannedSeconds: 21.723,
                                   detail: "chi tiết; 3:x", rehearsal: true))
        try log.append(AiringEvent(at: "2026-06-01T06:00:21.723+07:00", kind: .finished, airing: "a1", station: "ba-dinh",
                                   plan: "", plannedSeconds: 21.723, playedSeconds: 21.7))
        let rows = try log.events()
        #expect(rows.count == 2 && rows.allSatisfy(Chain.holds))
        let edits: [(inout AiringEvent) -> Void] = [
            { $0.seq += 1 }, { $0.at += " " }, { $0.kind = .failed }, { $0.airing = "a2" }, { $0.station = "x" },
            { $0.plan = "q" }, { $0.message = $0.message == nil ? "m" : nil }, { $0.slotStart = "" }, { $0.source = .manual }, { $0.audio = $0.audio == nil ? "a" : nil },
            { $0.audioSHA256 = "ab" }, { $0.plannedSeconds = 21.724 }, { $0.playedSeconds = 1 }, { $0.detail = "d" },
            { $0.rehearsal.toggle() }, { $0.prevHash = Chain.genesis.replacingOccurrences(of: "0", with: "1") },
            { $0.hash = String($0.hash.dropLast()) },
        ]
        for (i, edit) in edits.enumerated() {
            for row in rows {
                var changed = row
                edit(&changed)
                #expect(!Chain.holds(changed), "edit \(i) of seq \(row.seq) still holds")
                #expect(Chain.holds(changed) == (Chain.hash(changed) == changed.hash))
            }
        }
    }
}
