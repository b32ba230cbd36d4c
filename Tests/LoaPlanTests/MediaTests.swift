import LoaCore
import Foundation
import LoaCommands
import LoaPlayout
import LoaPlan
import Testing

/// Media checks go through the real LoaAudio probe (libsndfile) with a private cache folder.
@Suite struct MediaTests {
    let f = Fixture()
    var probe: CachedAudioProbe {
        CachedAudioProbe(cache: .init(directory: f.outside.appendingPathComponent("cache")))
    }

    /// Lines 1–12 as in `base`, then one message whose audio (line 15, column 12) is `path`.
    func resolve(audio path: String, extra: String = "") -> [String] {
        f.write("plan.yaml", base.replacingOccurrences(of: "slots: ward}", with: "slots: ward, intro: intro.wav}")
                + message(extra).replacingOccurrences(of: "a.wav", with: path))
        let loaded = f.load()
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        guard let plan = loaded.plan else { return ["no plan"] }
        return f.errors(plan.resolvingMedia(probe: probe))
    }

    init() { f.tone("intro.wav", seconds: 5) }

    @Test func goodAudioGetsItsDecodedDuration() throws {
        f.tone("audio/m.flac", seconds: 2.5)
        f.write("plan.yaml", base + message().replacingOccurrences(of: "a.wav", with: "audio/m.flac"))
        let plan = try #require(f.load().validPlan)
        let resolved = plan.resolvingMedia(probe: probe)
        #expect(resolved.diagnostics.isEmpty)
        #expect(resolved.plan?.messages[0].duration == 2.5)
    }

    @Test func missingAudio() {
        #expect(resolve(audio: "audio/none.wav")
                == ["plan.yaml:15:12: error: audio file 'audio/none.wav' does not exist (looked for audio/none.wav)"])
    }

    @Test func notAudio() {
        f.write("notes.wav", "this is text, not sound\n")
        let errors = resolve(audio: "notes.wav")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("plan.yaml:15:12: error: 'notes.wav' is not a readable audio file: ") == true,
                "got: \(errors)")
    }

    @Test func emptyFile() {
        f.write("empty.wav", "")
        #expect(resolve(audio: "empty.wav") == ["plan.yaml:15:12: error: audio file 'empty.wav' is empty (0 bytes)"])
    }

    @Test func folderIsNotAudio() {
        try! FileManager.default.createDirectory(at: f.dir.appendingPathComponent("dir.wav"), withIntermediateDirectories: true)
        #expect(resolve(audio: "dir.wav") == ["plan.yaml:15:12: error: 'dir.wav' is a folder, not an audio file"])
    }

    @Test func unreadableFile() throws {
        let url = f.tone("locked.wav", seconds: 1)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: url.path)
        // root reads any file whatever its mode, so only a normal user can see this fault.
        guard getuid() != 0 else { return }
        #expect(resolve(audio: "locked.wav")
                == ["plan.yaml:15:12: error: audio file 'locked.wav' cannot be read (no read permission)"])
    }

    @Test func outsideThePlanFolder() throws {
        let outsideFile = f.outside.appendingPathComponent("elsewhere.wav")
        try FileManager.default.copyItem(at: f.dir.appendingPathComponent("intro.wav"), to: outsideFile)
        #expect(resolve(audio: "../elsewhere.wav")
                == ["plan.yaml:15:12: error: '../elsewhere.wav' leads outside the plan folder (plan) through '..'"
                        .replacingOccurrences(of: "(plan)", with: "(\(f.dir.path))")])
        #expect(resolve(audio: "audio/../../elsewhere.wav").first?.contains("leads outside the plan folder") == true)
        #expect(resolve(audio: outsideFile.path)
                == ["plan.yaml:15:12: error: '\(outsideFile.path)' is an absolute path; audio must be inside the plan "
                    + "folder (\(f.dir.path)), written relative to it"])
        try FileManager.default.createSymbolicLink(at: f.dir.appendingPathComponent("link.wav"),
                                                   withDestinationURL: outsideFile)
        #expect(resolve(audio: "link.wav")
                == ["plan.yaml:15:12: error: 'link.wav' is a link that leads outside the plan folder "
                    + "(to \(outsideFile.path))"])
    }

    @Test func linkInsideThePlanFolderIsFine() throws {
        try FileManager.default.createSymbolicLink(at: f.dir.appendingPathComponent("alias.wav"),
                                                   withDestinationURL: f.dir.appendingPathComponent("intro.wav"))
        #expect(resolve(audio: "alias.wav").isEmpty)
    }

    @Test func messageLongerThanEverySlot() throws {
        f.tone("long.wav", seconds: 58)
        f.write("plan.yaml", base.replacingOccurrences(of: "length: 15m", with: "length: 1m")
                .replacingOccurrences(of: "slots: ward}", with: "slots: ward, intro: intro.wav}")
                + message().replacingOccurrences(of: "a.wav", with: "long.wav"))
        let plan = try #require(f.load().validPlan)
        // A 1-minute slot less a 5 s intro leaves 55 s.
        #expect(f.errors(plan.resolvingMedia(probe: probe))
                == ["plan.yaml:15:12: error: message 'm1' lasts 58.0s, longer than every slot it may use (at most "
                    + "55.0s after intro and outro)"])
    }

    @Test func textWithoutSpeechRendererIsAPositionedError() throws {
        f.write("plan.yaml", base + """
            messages:
              - id: t1
                text: "Kính thưa bà con, ngày mai cắt điện."
                voice: vi-vn-x-south
                repeat: 2
                pause: 3s
                airings: {count: 1, per: week}

            """)
        let plan = try #require(f.load().validPlan)
        guard case .text(let bulletin) = plan.messages[0].content else { Issue.record("not text"); return }
        #expect(bulletin == TextBulletin(text: "Kính thưa bà con, ngày mai cắt điện.", voice: "vi-vn-x-south",
                                         repeatCount: 2, pauseSeconds: 3))
        #expect(f.errors(plan.resolvingMedia(probe: probe))
                == ["plan.yaml:15:11: error: message 't1' is text but text-to-speech is unavailable here; use 'audio:'"])
    }

    @Test func textIsRenderedThroughTheHook() throws {
        struct SoxSpeech: SpeechRenderer {
            let folder: URL
            func render(_ bulletin: TextBulletin, messageID: String) throws -> URL {
                let url = folder.appendingPathComponent("\(messageID).wav")
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
                p.arguments = ["-v", bulletin.voice, "-w", url.path, bulletin.text]
                try p.run(); p.waitUntilExit()
                return url
            }
        }
        f.write("plan.yaml", base + "messages:\n  - {id: t1, text: \"Xin chào\", airings: {count: 1, per: week}}\n")
        let plan = try #require(f.load().validPlan)
        let resolved = plan.resolvingMedia(probe: probe, renderer: SoxSpeech(folder: f.outside))
        #expect(resolved.diagnostics.isEmpty, "\(resolved.diagnostics)")
        #expect((resolved.plan?.messages[0].duration ?? 0) > 0.3)
    }

    @Test func eachPathIsReportedOnceHoweverManyStationsUseIt() {
        f.write("plan.yaml", base.replacingOccurrences(of: "slots: ward}", with: "slots: ward, outro: gone.wav}")
                + message().replacingOccurrences(of: "a.wav", with: "intro.wav"))
        let plan = f.load().plan!
        #expect(f.errors(plan.resolvingMedia(probe: probe))
                == ["plan.yaml:11:50: error: audio file 'gone.wav' does not exist (looked for gone.wav)"])
    }
}
