import Foundation
import LoaPlayout
import LoaPlan
import LoaTestSupport
import Testing

/// `loa check` decodes what it measures: a FLAC whose header promises more than its frames hold is refused.
@Suite struct TruncatedMediaTests {
    @Test func aTruncatedFlacIsRefusedAtTheMessagesLine() throws {
        let f = Fixture()
        let full = f.dir.appendingPathComponent("whole.flac")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", full.path, "synth", "20", "pinknoise", "vol", "0.3"]
        try p.run(); p.waitUntilExit()
        let bytes = try Data(contentsOf: full)
        try bytes.prefix(bytes.count / 2).write(to: f.dir.appendingPathComponent("cut.flac"))
        f.write("plan.yaml", header + """
            stations:
              - {id: s, slots: [{name: morning, days: [mon-fri], start: "06:00", length: 15m}]}
            messages:
              - {id: whole, audio: whole.flac, airings: {count: 1, per: week}}
              - {id: cut, audio: cut.flac, airings: {count: 1, per: week}}

            """)
        let cache = TemporaryFolders.make("loa-cut-cache")
        let r = loadCheckedPlan(path: f.dir.appendingPathComponent("plan.yaml").path,
                                probe: CachedAudioProbe(cache: .init(directory: cache)))
        let errors = f.errors(r)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.hasPrefix("plan.yaml:10:22: error:") == true, "\(errors)")
        #expect(errors.first?.contains("cut.flac") == true)
        // A second check, warm cache: still refused (the verdict is not forgotten), the whole file still fine.
        let again = loadCheckedPlan(path: f.dir.appendingPathComponent("plan.yaml").path,
                                    probe: CachedAudioProbe(cache: .init(directory: cache)))
        #expect(f.errors(again) == errors)
    }
}
