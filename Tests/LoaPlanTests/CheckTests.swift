import ArgumentParser
import Foundation
import LoaCommands
import LoaPlayout
import LoaPlan
import Testing

@Suite struct CheckTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func resolved(_ f: Fixture) throws -> Plan {
        let r = loadCheckedPlan(path: f.dir.appendingPathComponent("plan.yaml").path,
                                probe: CachedAudioProbe(cache: .init(directory: f.outside.appendingPathComponent("c"))))
        #expect(r.errors.isEmpty, "\(r.errors)")
        return try #require(r.validPlan)
    }

    @Test func samplePlanPassesAndMeetsTheBrief() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("loa-sample-\(UUID().uuidString)")
        let r = loadCheckedPlan(path: Self.repo.appendingPathComponent("playlists/hanoi-2026.yaml").path,
                                probe: CachedAudioProbe(cache: .init(directory: cache)))
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        let plan = try #require(r.validPlan)
        #expect(plan.stations.count >= 12)
        #expect(Set(plan.stations.flatMap(\.groups)).isSuperset(of: ["inner", "rural"]))
        #expect(plan.messages.count >= 12)
        #expect(Set(plan.messages.compactMap(\.topic)).count >= 6)
        #expect(plan.messages.contains { $0.priority == .priority })
        #expect(plan.messages.contains { $0.priority == .emergency })
        let pers = Set(plan.messages.map(\.quota.per))
        #expect(pers.isSuperset(of: [.week, .month, .window]))
        #expect(plan.messages.allSatisfy { $0.duration > 1 })
        #expect(plan.stations.allSatisfy { ($0.intro?.duration ?? 0) > 1 && ($0.outro?.duration ?? 0) > 1 })
        let summary = plan.summary()
        #expect(summary.warnings.isEmpty, "\(summary.warnings)")
        #expect(summary.stations.allSatisfy { $0.peakOwedSeconds <= $0.peakRoomSeconds && $0.owedAiringsPerWeek > 0 })
        let ward = try #require(summary.stations.first { $0.station == "ba-dinh" })
        #expect(ward.slotsPerWeek == 10)
        let commune = try #require(summary.stations.first { $0.station == "soc-son" })
        #expect(commune.slotsPerWeek == 14)
        let size = try FileManager.default.subpathsOfDirectory(atPath: Self.repo.appendingPathComponent("playlists/audio").path)
            .reduce(0) { sum, name in
                let attrs = try FileManager.default.attributesOfItem(
                    atPath: Self.repo.appendingPathComponent("playlists/audio/\(name)").path)
                return sum + ((attrs[.size] as? NSNumber)?.intValue ?? 0)
            }
        #expect(size < 5_000_000)
    }

    @Test func loadPerWeekAndEarlyWarnings() throws {
        let f = Fixture()
        f.tone("m20.wav", seconds: 20)
        f.write("plan.yaml", """
            plan:
              id: load
              title: Load
              period: {from: 2026-06-01, to: 2026-06-14}
            stations:
              - id: busy
                slots: [{name: morning, days: [mon-fri], start: "06:00", length: 1m},
                        {name: evening, days: [mon-fri], start: "17:00", length: 1m}]
              - id: quiet
                slots: [{name: morning, days: [mon], start: "06:00", length: 15m}]
            messages:
              - {id: a, audio: m20.wav, airings: {count: 4, per: week}, targets: [busy]}
              - {id: b, audio: m20.wav, airings: {count: 4, per: week}, targets: [busy]}
              - {id: c, audio: m20.wav, airings: {count: 4, per: week}, targets: [busy]}
              - {id: d, audio: m20.wav, airings: {count: 2, per: week}, targets: [all], slots: [evening]}
              - {id: e, audio: m20.wav, airings: {count: 3, per: week}, targets: [quiet]}

            """)
        let plan = try resolved(f)
        let summary = plan.summary()
        #expect(summary.weeks == 2)
        let busy = try #require(summary.stations.first { $0.station == "busy" })
        #expect(busy.slotsPerWeek == 10 && busy.roomPerWeek == 600 && busy.messages == 4)
        #expect(abs(busy.owedAiringsPerWeek - 14) < 1e-9)
        #expect(abs(busy.owedSecondsPerWeek - 280) < 1e-6)
        let quiet = try #require(summary.stations.first { $0.station == "quiet" })
        #expect(quiet.slotsPerWeek == 1 && quiet.roomPerWeek == 900 && quiet.messages == 2)
        // 14 airings × 20 s = 280 s fit 600 s; but 3 a week can't fit quiet's one Monday slot, and d never airs there.
        let lines = f.lines(summary.warnings, .warning)
        #expect(lines == [
            "plan.yaml:15:5: warning: message 'd': 1 targeted station(s) can never air it (no usable slot in its window, "
                + "or it is longer than the slots): quiet",
            "plan.yaml:16:5: warning: message 'e': 1 station(s) have too few slots for the airings owed (once per slot, "
                + "at most 1 a day): quiet",
        ])
    }

    @Test func overbookedStationIsWarned() throws {
        let f = Fixture()
        f.tone("m40.wav", seconds: 40)
        f.write("plan.yaml", """
            plan: {id: over, title: Over, period: {from: 2026-06-01, to: 2026-06-07}}
            stations:
              - {id: s, slots: [{name: morning, days: [mon-fri], start: "06:00", length: 1m}]}
            messages:
              - {id: a, audio: m40.wav, airings: {count: 5, per: week}}
              - {id: b, audio: m40.wav, airings: {count: 5, per: week}}

            """)
        let summary = try resolved(f).summary()
        #expect(f.lines(summary.warnings, .warning)
                == ["plan.yaml:3:5: warning: station 's' is overbooked in 2026-W23: 6.7 min owed but only 5.0 min available"])
    }

    @Test func checkCommandExitStatus() throws {
        let f = Fixture()
        f.write("plan.yaml", base + message().replacingOccurrences(of: "count: 1", with: "count: 0"))
        do {
            try CheckCommand.parse([f.dir.appendingPathComponent("plan.yaml").path]).run()
            Issue.record("check passed a bad plan")
        } catch let e as ExitCode {
            #expect(e.rawValue == 1)
        }
        #expect(throws: (any Error).self) { try CheckCommand.parse([]) }
    }
}
