import Foundation
import LoaCore
import LoaL10n
import LoaPlan
import LoaPlayout
import Testing

/// `relays:` (SPEC §10): read per station and per template, checked against slots, other relays and the source.
@Suite struct RelayPlanTests {
    /// Lines 6–10: a template with slots and relays; station `a` uses it, station `b` has its own list.
    let stations = """
    slot_templates:
      ward: {slots: [{name: morning, days: [mon-fri], start: "06:00", length: 15m}],
             relays: [{name: vov1, days: [mon-sun], start: "05:00", length: 30m, source: "http://127.0.0.1:8000/vov1.mp3"}]}
    stations:
      - {id: a, slots: ward}
      - id: b
        slots: [{name: evening, start: "17:00", length: 15m}]
        relays:
          - {name: news, days: [mon-fri], start: "18:00", length: 20m, source: "alsa:hw:1,0"}

    """

    @Test func relaysAreReadFromTemplatesAndStations() throws {
        let f = Fixture()
        f.write("plan.yaml", header + stations)
        let result = f.load()
        #expect(f.errors(result) == [])
        let plan = try #require(result.plan)
        let a = try #require(plan.station("a")), b = try #require(plan.station("b"))
        #expect(a.relays.map(\.name) == ["vov1"])
        #expect(a.relays[0].source == .stream(URL(string: "http://127.0.0.1:8000/vov1.mp3")!))
        #expect(a.relays[0].timing.lengthSeconds == 1800)
        #expect(b.relays[0].source == .capture(device: "hw:1,0"))
        #expect(b.relays[0].source.description == "alsa:hw:1,0")
        // 2026-06-06 is a Saturday: b's news relay is weekdays only.
        #expect(b.relays(on: CivilDate("2026-06-06")!).isEmpty)
        #expect(a.relays(on: CivilDate("2026-06-06")!).map(\.name) == ["vov1"])
        // Neither station says what fills an outage.
        #expect(f.lines(result.diagnostics, .warning) == [
            "plan.yaml:8:19: warning: station 'a' has relays but no 'fallback' (nor intro or outro): an outage of the "
                + "source will air silence",
            "plan.yaml:14:9: warning: station 'b' has relays but no 'fallback' (nor intro or outro): an outage of the "
                + "source will air silence"])
    }

    @Test func aFallbackIsReadAndSilencesTheWarning() throws {
        let f = Fixture()
        f.write("plan.yaml", header + stations.replacingOccurrences(of: "  - {id: a, slots: ward}",
                                                                    with: "  - {id: a, slots: ward, fallback: wait.wav}"))
        let result = f.load()
        let a = try #require(result.plan?.station("a"))
        #expect(a.fallback?.path == "wait.wav")
        #expect(f.lines(result.diagnostics, .warning).count == 1)
    }

    @Test func theOperatorsSlotTimesMayNotOverlapARelay() throws {
        let f = Fixture()
        f.write("plan.yaml", header + stations)
        let plan = try #require(f.load().plan)
        func apply(_ start: String) -> [String] {
            let local = LocalAdditions(station: "b", slots: [.init(name: "evening", days: ["mon"], start: start, length: "15m")])
            return plan.applying(local, folder: f.dir, file: "local.yaml", probe: CachedAudioProbe(), renderer: nil)
                .problems.map { $0.text(.en) }
        }
        #expect(apply("18:10") == ["relay 'news' (18:00–18:20) overlaps slot 'evening' (18:10–18:25) on mon at station 'b'"])
        #expect(apply("17:30") == [])
    }

    func errors(_ yaml: String) -> [String] {
        let f = Fixture()
        f.write("plan.yaml", header + yaml)
        return f.errors(f.load())
    }

    @Test func aRelayOverlappingASlotNamesBoth() {
        let yaml = """
        stations:
          - id: a
            slots: [{name: morning, days: [mon-fri], start: "06:00", length: 15m}]
            relays: [{name: vov1, start: "05:50", length: 20m, source: "http://x.vn/a.mp3"}]

        """
        #expect(errors(yaml) == ["plan.yaml:9:14: error: relay 'vov1' (05:50–06:10) overlaps slot 'morning' "
                                 + "(06:00–06:15) on mon at station 'a'"])
    }

    @Test func twoRelaysMayNotOverlap() {
        let yaml = """
        stations:
          - id: a
            slots: [{name: morning, start: "06:00", length: 15m}]
            relays:
              - {name: vov1, days: [sat], start: "07:00", length: 30m, source: "https://x.vn/a.mp3"}
              - {name: vov2, days: [sat-sun], start: "07:20", length: 30m, source: "http://x.vn/b.mp3"}

        """
        #expect(errors(yaml) == ["plan.yaml:11:9: error: relay 'vov2' (07:20–07:50) overlaps relay 'vov1' "
                                 + "(07:00–07:30) on sat at station 'a'"])
    }

    @Test func malformedSourcesAreRefusedAtTheirValue() {
        let yaml = """
        stations:
          - id: a
            slots: [{name: morning, start: "06:00", length: 15m}]
            relays:
              - {name: r1, start: "07:00", length: 30m, source: "ftp://x.vn/a.mp3"}
              - {name: r2, start: "08:00", length: 30m, source: "alsa:"}
              - {name: r3, start: "09:00", length: 30m, source: "vov1.mp3"}
              - {name: r4, start: "10:00", length: 30m}

        """
        let got = errors(yaml)
        let use = "use http://…, https://… (an MP3 stream) or alsa:PCM"
        #expect(got == ["plan.yaml:10:57: error: relay source 'ftp://x.vn/a.mp3' is not valid: \(use)",
                        "plan.yaml:11:57: error: relay source 'alsa:' is not valid: \(use)",
                        "plan.yaml:12:57: error: relay source 'vov1.mp3' is not valid: \(use)",
                        "plan.yaml:13:9: error: missing 'source' in a relay"], "got: \(got)")
    }

    @Test func aRelayPastMidnightOrOfZeroLengthIsRefused() {
        let yaml = """
        stations:
          - id: a
            slots: [{name: morning, start: "06:00", length: 15m}]
            relays:
              - {name: night, start: "23:50", length: 20m, source: "http://x.vn/a.mp3"}
              - {name: none, start: "12:00", length: 0s, source: "http://x.vn/a.mp3"}

        """
        #expect(errors(yaml) == [
            "plan.yaml:10:47: error: slot 'night' (23:50, 20m) runs past midnight",
            "plan.yaml:11:46: error: slot 'none' has zero length",
        ])
    }
}
