import Foundation
import LoaCommands
import LoaPlayout
import LoaPlan
import Testing

/// A message with an error is left out of the plan, but its audio is still checked: one run, every problem.
@Suite struct DroppedMediaTests {
    let f = Fixture()

    func check() -> [String] {
        let probe = CachedAudioProbe(cache: .init(directory: f.outside.appendingPathComponent("cache")))
        return f.errors(loadCheckedPlan(path: f.dir.appendingPathComponent("plan.yaml").path, probe: probe,
                                        renderer: nil))
    }

    @Test func audioOfAMessageWithOtherErrorsIsStillChecked() {
        f.write("plan.yaml", header + """
            stations:
              - {id: a, slots: [{name: m, days: [mon-fri], start: "06:00", length: 15m}]}
            messages:
              - id: m1
                audio: ../../etc/passwd
                airings: {count: 0, per: week}
              - id: m2
                audio: missing.wav
                airings: {count: 1, per: fortnight}

            """)
        let errors = check()
        #expect(errors.count == 4, "\(errors)")
        #expect(errors.prefix(2) == [
            "plan.yaml:11:22: error: 'count' must be 1 to 10000 (it is 0)",
            "plan.yaml:14:30: error: unknown 'per' 'fortnight' (use day, week, month, quarter, window)",
        ])
        #expect(errors.dropFirst(2).first?.hasPrefix(
            "plan.yaml:10:12: error: '../../etc/passwd' leads outside the plan folder (") == true, "\(errors)")
        #expect(errors.last == "plan.yaml:13:12: error: audio file 'missing.wav' does not exist (looked for missing.wav)")
    }

    @Test func evenWithoutAUsablePlanHeaderTheAudioIsChecked() {
        f.write("plan.yaml", """
            plan: {id: bad, title: t, period: {from: 2026-07-01, to: 2026-06-01}}
            stations:
              - {id: a, slots: [{name: m, days: [mon-fri], start: "06:00", length: 15m}]}
            messages:
              - {id: m1, audio: /etc/passwd, airings: {count: 1, per: week}}

            """)
        let errors = check()
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.first?.hasSuffix("error: 'from' (2026-07-01) is after 'to' (2026-06-01)") == true, "\(errors)")
        #expect(errors.last?.contains(": error: '/etc/passwd' is an absolute path") == true, "\(errors)")
    }
}
