import LoaCore
import Foundation
import LoaAudio
import LoaCommands
import LoaPlayout
import LoaPlan
import LoaSchedule
import LoaTestSupport
import Testing

/// A plan folder with one audio and two text messages, and a speech cache of its own.
private struct TextPlan {
    let dir: URL
    let cache: URL
    let marker: URL

    init(voice: String = "vi-vn-x-south") throws {
        let root = TemporaryFolders.make("loa-tts-plan")
        dir = root.appendingPathComponent("plan")
        cache = root.appendingPathComponent("cache")
        marker = root.appendingPathComponent("pwned")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "16000", "-c", "1", dir.appendingPathComponent("tone.wav").path,
                         "synth", "3", "sine", "440"]
        try sox.run()
        sox.waitUntilExit()
        #expect(sox.terminationStatus == 0)
        // Line numbers matter: the text of 'notice' is on line 16, its voice on line 17.
        let yaml = """
        plan:
          id: tts-test
          title: "Bản tin đọc từ văn bản"
          period: {from: 2026-06-01, to: 2026-06-30}

        stations:
          - id: a
            slots:
              - {name: morning, days: [mon-fri], start: "06:00", length: 15m}
        messages:
          - id: tone
            audio: tone.wav
            airings: {count: 1, per: week}
          - id: notice
            title: "Thông báo tiêm chủng"
            text: "Kính thưa bà con, trạm y tế phường tổ chức tiêm chủng vào sáng thứ bảy."
            voice: \(voice)
            speed: 150
            repeat: 2
            pause: 2s
            airings: {count: 2, per: week}
          - id: hostile
            text: "$(touch \(marker.path)) `touch \(marker.path)` \\"; touch \(marker.path)"
            airings: {count: 1, per: week}

        """
        try yaml.write(to: planFile, atomically: false, encoding: .utf8)
    }

    var planFile: URL { dir.appendingPathComponent("plan.yaml") }

    func load(_ renderer: EspeakRenderer) -> PlanLoadResult {
        loadCheckedPlan(path: planFile.path, renderer: EspeakSpeechHook(renderer: renderer))
    }

    func errors(_ result: PlanLoadResult) -> [String] {
        result.diagnostics.filter { $0.severity == .error }
            .map { $0.formatted(.en).replacingOccurrences(of: dir.path + "/", with: "") }
    }
}

@Suite struct SpeechPlanTests {
    @Test func textMessagesRenderAtLoadAndTheSecondLoadRendersNothing() throws {
        let fx = try TextPlan()
        let renderer = EspeakRenderer(directory: fx.cache)
        let first = fx.load(renderer)
        #expect(fx.errors(first).isEmpty, "\(fx.errors(first))")
        let plan = try #require(first.validPlan)
        #expect(renderer.renderCount == 2)

        let notice = try #require(plan.message("notice")?.media)
        let url = try #require(notice.url)
        #expect(url.deletingLastPathComponent().standardizedFileURL.path == fx.cache.standardizedFileURL.path)
        #expect(url.lastPathComponent == "\(try ContentHash.sha256(of: url)).wav")
        // Named by its content, not by this machine's cache folder: the same on every machine.
        #expect(notice.path == "speech/\(try ContentHash.sha256(of: url)).wav")
        let info = try AudioProbe.info(of: url)
        #expect(info.sampleRate == 22_050 && info.channels == 1)
        #expect(abs((notice.duration ?? 0) - info.duration) < 1e-9)
        // Two readings of a ~5 s sentence plus the 2 s pause.
        #expect(info.duration > 8 && info.duration < 30)
        #expect(notice.writtenAt?.line == 16)

        let hostile = try #require(plan.message("hostile")?.media?.duration)
        #expect(hostile > 1)
        #expect(!FileManager.default.fileExists(atPath: fx.marker.path))

        // The scheduler places the text messages with their rendered length and file, inside the slot.
        let week = DateRange(from: try #require(CivilDate("2026-06-01")), to: try #require(CivilDate("2026-06-07")))
        let schedule = Scheduler.schedule(plan, range: week)
        let aired = schedule.occurrences.flatMap(\.items).filter { $0.message == "notice" }
        #expect(aired.count == 2)
        #expect(aired.allSatisfy { $0.audio == notice.path && $0.duration == notice.duration })
        #expect(schedule.occurrences.flatMap(\.items).filter { $0.message == "hostile" }.count == 1)
        #expect(schedule.occurrences.allSatisfy { $0.usedSeconds <= Double($0.lengthSeconds) })
        #expect(schedule.shortfalls.isEmpty, "\(schedule.shortfalls)")

        // A second load, as by another command, finds both renderings in the cache.
        let again = EspeakRenderer(directory: fx.cache)
        let second = fx.load(again)
        #expect(fx.errors(second).isEmpty)
        #expect(again.renderCount == 0)
        #expect(second.validPlan?.message("notice")?.media == notice)
    }

    @Test func unknownVoiceInThePlanIsAPositionedErrorNamingTheMessage() throws {
        let fx = try TextPlan(voice: "vi-vn-x-southern")
        let renderer = EspeakRenderer(directory: fx.cache)
        let errors = fx.errors(fx.load(renderer))
        #expect(errors == ["plan.yaml:17:12: error: unknown voice 'vi-vn-x-southern' (message 'notice'); "
                           + "did you mean 'vi-vn-x-south'?: use vi, vi-vn-x-central or vi-vn-x-south"],
                "\(errors)")
    }

    @Test func voiceMissingFromTheEngineIsAPositionedErrorNamingTheMessage() throws {
        let fx = try TextPlan(voice: "vi-vn-x-south")
        let renderer = EspeakRenderer(directory: fx.cache, dataPath: try espeakDataWithOnlyNorthernVoice())
        let result = fx.load(renderer)
        #expect(result.validPlan == nil)
        #expect(fx.errors(result) == ["plan.yaml:16:11: error: could not render message 'notice' to speech: "
                                      + "unknown voice \"vi-vn-x-south\"; use vi, vi-vn-x-central or vi-vn-x-south"],
                "\(fx.errors(result))")
    }

    @Test func missingEngineIsAPositionedErrorForEachTextMessage() throws {
        let fx = try TextPlan()
        let renderer = EspeakRenderer(directory: fx.cache, engine: URL(fileURLWithPath: "/nonexistent/espeak-ng"))
        let errors = fx.errors(fx.load(renderer))
        #expect(errors.count == 2)
        #expect(errors.first?.hasPrefix("plan.yaml:16:11: error: could not render message 'notice' to speech: "
                                        + "espeak-ng not found (/nonexistent/espeak-ng)") == true, "\(errors)")
        #expect(errors.last?.hasPrefix("plan.yaml:23:11: error: could not render message 'hostile'") == true)
    }
}

