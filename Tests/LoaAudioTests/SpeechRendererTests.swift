import Foundation
import LoaTestSupport
import Testing
@testable import LoaAudio

/// A fresh cache folder per test, so tests never share renders.
private func freshRenderer(timeout: Double = 60, engine: URL? = nil) throws -> EspeakRenderer {
    let dir = TemporaryFolders.make("loa-speech")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return EspeakRenderer(directory: dir, engine: engine, timeout: timeout)
}

/// All samples of a file, interleaved, through the module's own libsndfile reader.
private func samples(of url: URL) throws -> (samples: [Float], file: SoundFile) {
    let file = try SoundFile(readingFrom: url)
    var all: [Float] = []
    var buffer: [Float] = []
    while true {
        let got = try file.read(into: &buffer, frameCount: 8_192)
        if got == 0 { break }
        all.append(contentsOf: buffer[0..<(got * file.channels)])
    }
    return (all, file)
}

private func rmsDBFS(_ xs: ArraySlice<Float>) -> Double {
    guard !xs.isEmpty else { return -.infinity }
    let power = xs.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(xs.count)
    return 10 * log10(max(power, 1e-20))
}

private func modificationDate(_ url: URL) throws -> Date {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
}


@Suite struct SpeechRendererTests {
    @Test(arguments: EspeakRenderer.supportedVoices)
    func rendersEachVietnameseVoiceAudibly(voice: String) throws {
        let renderer = try freshRenderer()
        let out = try renderer.render(SpeechRequest(text: "Kính thưa bà con nhân dân trong phường.", voice: voice))
        #expect(out.rendered)
        #expect(out.info.sampleRate == 22_050 && out.info.channels == 1 && out.info.format == "wav")
        #expect(out.duration > 1 && out.duration < 10)
        #expect(out.url.lastPathComponent == "\(out.sha256).wav")
        #expect(try ContentHash.sha256(of: out.url) == out.sha256)
        let level = rmsDBFS(try samples(of: out.url).samples[...])
        #expect(level > -35, "speech should be clearly audible, got \(level) dBFS")
        let loudness = try LoudnessAnalyzer.measure(out.url)
        #expect(loudness.integratedLUFS > -35 && loudness.integratedLUFS < -5, "\(loudness)")
        #expect(loudness.truePeakDBTP > -20 && loudness.truePeakDBTP <= 0.5, "\(loudness)")
    }

    @Test func repeatReadsTwiceWithExactSilenceBetween() throws {
        let renderer = try freshRenderer()
        let text = "Thông báo lịch tiêm chủng."
        let once = try renderer.render(SpeechRequest(text: text, repeatCount: 1))
        let twice = try renderer.render(SpeechRequest(text: text, repeatCount: 2, pauseSeconds: 1.5))
        let rate = once.info.sampleRate
        let pause = Int(1.5 * Double(rate))
        #expect(twice.info.frames == 2 * once.info.frames + Int64(pause))
        #expect(twice.sha256 != once.sha256)

        let a = try samples(of: once.url).samples
        let b = try samples(of: twice.url).samples
        let n = a.count
        #expect(b[n..<(n + pause)].allSatisfy { $0 == 0 })
        // Each reading is exactly the engine's audio.
        #expect(Array(b[0..<n]) == a)
        #expect(Array(b[(n + pause)...]) == a)
    }

    @Test func readingIsBitIdenticalToTheEngineOutput() throws {
        let renderer = try freshRenderer()
        let text = "Đề nghị bà con đưa trẻ đi tiêm chủng đúng lịch."
        let out = try renderer.render(SpeechRequest(text: text, voice: "vi-vn-x-central", speed: 160))
        let direct = renderer.directory.appendingPathComponent("direct.wav")
        let input = renderer.directory.appendingPathComponent("direct.txt")
        try Data(text.utf8).write(to: input)
        let espeak = Process()
        espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        espeak.arguments = ["-b", "1", "-v", "vi-vn-x-central", "-s", "160", "-w", direct.path, "-f", input.path]
        try espeak.run()
        espeak.waitUntilExit()
        #expect(espeak.terminationStatus == 0)
        #expect(try samples(of: out.url).samples == (try samples(of: direct).samples))
    }

    @Test func slowerSpeedTakesLonger() throws {
        let renderer = try freshRenderer()
        let text = "Bà con chú ý phòng chống ngập úng mùa mưa bão."
        let slow = try renderer.render(SpeechRequest(text: text, speed: 90))
        let fast = try renderer.render(SpeechRequest(text: text, speed: 300))
        #expect(slow.duration > fast.duration * 1.8)
    }

    @Test func secondRenderHitsTheCacheAndRendersNothing() throws {
        let renderer = try freshRenderer()
        let request = SpeechRequest(text: "Kính thưa bà con", voice: "vi-vn-x-south", speed: 140, repeatCount: 2)
        let first = try renderer.render(request)
        #expect(first.rendered && renderer.renderCount == 1)
        let stamp = try modificationDate(first.url)

        let second = try renderer.render(request)
        #expect(!second.rendered && renderer.renderCount == 1)
        #expect(second == RenderedSpeech(url: first.url, sha256: first.sha256, info: first.info, rendered: false))
        #expect(try modificationDate(first.url) == stamp)

        // Flat: nothing but the rendering and its key, so one group-writable folder can be shared.
        let names = try FileManager.default.contentsOfDirectory(atPath: renderer.directory.path).sorted()
        #expect(names == ["\(try renderer.cacheKey(for: request)).key", "\(first.sha256).wav"].sorted())

        // A new process (new renderer) on the same cache folder renders nothing either.
        let again = EspeakRenderer(directory: renderer.directory)
        let third = try again.render(request)
        #expect(!third.rendered && again.renderCount == 0)

        // NFD input is the same bulletin once NFC-normalised.
        let decomposed = SpeechRequest(text: "Kính thưa bà con".decomposedStringWithCanonicalMapping,
                                       voice: "vi-vn-x-south", speed: 140, repeatCount: 2)
        #expect(decomposed.text.unicodeScalars.count != request.text.unicodeScalars.count)
        let fromNFD = try again.render(decomposed)
        #expect(fromNFD.sha256 == first.sha256 && again.renderCount == 0)

        // Anything in the key changes the rendering.
        var other = request
        other.speed = 160
        let changed = try again.render(other)
        #expect(changed.rendered && again.renderCount == 1)
        let keys = (try again.cacheKey(for: other), try again.cacheKey(for: request))
        #expect(keys.0 != keys.1)
    }

    @Test func speechFolderTakesTheSharedCacheFolderPermissions() throws {
        let parent = TemporaryFolders.make("loa-shared")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        #expect(chmod(parent.path, 0o2775) == 0)
        let renderer = EspeakRenderer(directory: parent.appendingPathComponent("speech"))
        _ = try renderer.render(SpeechRequest(text: "xin chào"))
        var st = stat()
        #expect(stat(renderer.directory.path, &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o2775)
    }

    @Test func tamperedCacheFileIsRenderedAfresh() throws {
        let renderer = try freshRenderer()
        let request = SpeechRequest(text: "Loa phường xin thông báo")
        let first = try renderer.render(request)
        try Data("not the speech".utf8).write(to: first.url)
        let second = try renderer.render(request)
        #expect(second.rendered && renderer.renderCount == 2)
        let rehashed = try ContentHash.sha256(of: second.url)
        #expect(second.sha256 == first.sha256 && rehashed == first.sha256)
    }

    @Test func concurrentRendersOfTheSameTextAgree() async throws {
        let renderer = try freshRenderer()
        let request = SpeechRequest(text: "Đề nghị bà con giữ vệ sinh môi trường")
        let hashes = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try renderer.render(request).sha256 } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(hashes.count == 1)
        let wavs = try FileManager.default.contentsOfDirectory(atPath: renderer.directory.path)
            .filter { $0.hasSuffix(".wav") }
        #expect(wavs == ["\(hashes.first!).wav"])
    }

    @Test func hostileTextIsSpokenNeverExecuted() throws {
        let renderer = try freshRenderer()
        let marker = TemporaryFolders.make("loa-pwned").appendingPathComponent("marker")
        let hostile = [
            "$(touch \(marker.path))",
            "`touch \(marker.path)`",
            "\"; touch \(marker.path); echo \"",
            "'; touch \(marker.path) #",
            "-v en --help -w \(marker.path) bà con",
            "--version",
            "dòng một\ndòng hai\r\n$(touch \(marker.path))\n",
            "chuông\u{07} báo\u{00}động\u{1B}[31m đỏ",
            "<speak>xin chào</speak> & | > \(marker.path)",
        ]
        for text in hostile {
            let out = try renderer.render(SpeechRequest(text: text))
            #expect(out.duration > 0.2, "\(text.debugDescription) should be spoken")
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path))

        let longLine = String(repeating: "Kính thưa bà con nhân dân ", count: 70)
        let long = try renderer.render(SpeechRequest(text: longLine, speed: 400))
        #expect(long.duration > 20)

        let tooLong = String(repeating: "a ", count: EspeakRenderer.maxCharacters)
        #expect(throws: SpeechError.self) { try renderer.render(SpeechRequest(text: tooLong)) }
        let tooLongError = try #require(throws: SpeechError.self) { try EspeakRenderer.prepare(tooLong) }
        #expect(tooLongError.kind == .textTooLong)
        for empty in ["", "   \n\t", "\u{00}\u{07}", "... !!! ---"] {
            let error = try #require(throws: SpeechError.self) { try renderer.render(SpeechRequest(text: empty)) }
            #expect(error.kind == .emptyText)
        }
        #expect(try EspeakRenderer.prepare("a\u{00}b\tc\r\nd") == "a b c \nd")
    }

    @Test func unknownVoiceIsATypedBilingualErrorNamingTheVoice() throws {
        let renderer = try freshRenderer()
        for voice in ["vi-vn-x-western", "", "-v", "vi; rm -rf /", "../vi", "vi vn"] {
            let error = try #require(throws: SpeechError.self) {
                try renderer.render(SpeechRequest(text: "xin chào", voice: voice))
            }
            #expect(error.kind == .unknownVoice && error.subject == voice)
            #expect(error.localized.en.contains("unknown voice \"\(voice)\""))
            #expect(error.localized.vi.contains("giọng đọc không có: \"\(voice)\""))
        }
        #expect(renderer.renderCount == 0)
        #expect(try renderer.availableVoices().isSuperset(of: EspeakRenderer.supportedVoices))
        try renderer.checkVoice("VI-VN-X-CENTRAL")
    }

    @Test func absentRegionalVoiceIsAnErrorNotASilentFallback() throws {
        let dir = TemporaryFolders.make("loa-speech")
        let renderer = EspeakRenderer(directory: dir, dataPath: try espeakDataWithOnlyNorthernVoice())
        #expect(try renderer.availableVoices().contains("vi"))
        #expect(try renderer.render(SpeechRequest(text: "xin chào")).duration > 0.2)
        for voice in ["vi-vn-x-south", "vi-vn-x-central"] {
            let error = try #require(throws: SpeechError.self) {
                try renderer.render(SpeechRequest(text: "xin chào", voice: voice))
            }
            #expect(error.kind == .unknownVoice && error.subject == voice)
        }
        #expect(renderer.renderCount == 1)
        // Same text and voice under other voice data is another cache entry.
        let system = try freshRenderer()
        #expect(try system.cacheKey(for: SpeechRequest(text: "xin chào"))
                != (try renderer.cacheKey(for: SpeechRequest(text: "xin chào"))))
    }

    @Test func missingEngineSaysSoAndHowToInstall() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/espeak-ng")
        let renderer = try freshRenderer(engine: nowhere)
        let error = try #require(throws: SpeechError.self) { try renderer.render(SpeechRequest(text: "xin chào")) }
        #expect(error.kind == .engineMissing && error.subject == nowhere.path)
        #expect(error.localized.en.contains("apt-get install espeak-ng"))
        #expect(error.localized.vi.contains("không tìm thấy espeak-ng"))
    }

    @Test func hungEngineIsKilledAtTheTimeout() throws {
        let dir = TemporaryFolders.make("loa-hung")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let program = dir.appendingPathComponent("espeak-ng")
        try "#!/bin/sh\nexec sleep 30\n".write(to: program, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
        let renderer = try freshRenderer(timeout: 0.5, engine: program)
        let started = Date()
        let error = try #require(throws: SpeechError.self) { try renderer.engineVersion() }
        #expect(error.kind == .timedOut)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func optionsOutOfRangeAreRejectedWithTheRange() throws {
        let renderer = try freshRenderer()
        let cases: [(SpeechRequest, String)] = [
            (SpeechRequest(text: "a", speed: 10), "speed"),
            (SpeechRequest(text: "a", speed: 1_000), "speed"),
            (SpeechRequest(text: "a", repeatCount: 0), "repeat"),
            (SpeechRequest(text: "a", repeatCount: 11), "repeat"),
            (SpeechRequest(text: "a", pauseSeconds: -1), "pause"),
            (SpeechRequest(text: "a", pauseSeconds: .nan), "pause"),
        ]
        for (request, option) in cases {
            let error = try #require(throws: SpeechError.self) { try renderer.render(request) }
            #expect(error.kind == .badOption && error.subject == option)
        }
        #expect(renderer.renderCount == 0)
    }
}

@Suite struct SpeechEngineLaunchTests {
    /// A program still open for writing (an upgrade in progress, or a sibling fork) fails exec with ETXTBSY; the
    /// engine waits it out instead of calling espeak-ng missing.
    @Test func aBusyProgramIsRetriedNotReportedMissing() throws {
        let dir = TemporaryFolders.make("loa-busy")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let program = dir.appendingPathComponent("espeak-ng")
        #expect(FileManager.default.createFile(atPath: program.path, contents: Data("#!/bin/sh\necho 'eSpeak NG text-to-speech: 9.9'\n".utf8),
                                               attributes: [.posixPermissions: 0o755]))
        let writer = open(program.path, O_WRONLY)
        #expect(writer >= 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { close(writer) }
        let output = try SpeechEngine(executable: program, dataPath: nil).run(["--version"], in: dir, timeout: 10)
        #expect(output.status == 0 && output.stdout.contains("9.9"))
    }
}
