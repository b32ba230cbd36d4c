import Foundation
import LoaAudio
import LoaLog
import LoaTestSupport
import Testing

/// Text bulletins through the built `loa` binary: a simulated run airs a text message from the speech cache, and
/// `loa emergency --text` renders and hands the rendered file to a running daemon. The log names the file aired.
@Suite(.serialized) struct SpeechAirTests {
    let dir: URL
    let cache: URL

    init() throws {
        let root = TemporaryFolders.make("loa-tts-air")
        dir = root.appendingPathComponent("plan")
        cache = root.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plan = """
        plan:
          id: tts-air
          title: "Bản tin đọc"
          timezone: Asia/Ho_Chi_Minh
          period: {from: 2026-06-01, to: 2026-06-30}
        stations:
          - id: xa-doc
            name: "Xã Đọc"
            slots:
              - {name: morning, days: [mon-sun], start: "06:00", length: 15m}
        messages:
          - id: notice
            title: "Thông báo tiêm chủng"
            text: "Kính thưa bà con, trạm y tế xã tổ chức tiêm chủng vào sáng thứ bảy."
            voice: vi-vn-x-central
            repeat: 2
            pause: 1s
            airings: {count: 1, per: day}

        """
        try Data(plan.utf8).write(to: dir.appendingPathComponent("plan.yaml"))
    }

    func sox(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    static var binary: URL? { LoaBinary.url }

    func spawn(_ args: [String]) throws -> (Process, Pipe, Pipe) {
        try LoaBinary.spawn(args, in: dir, environment: ["LOA_CACHE_DIR": cache.path])
    }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try LoaBinary.run(args, in: dir, environment: ["LOA_CACHE_DIR": cache.path])
    }

    func renderedFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("speech").path)
            .filter { $0.hasSuffix(".wav") }.sorted()
    }

    /// Files may not grow past 2 KB (`prlimit --fsize`, what a full disk does to them): rendering must fail naming
    /// the file and the fault. (The engine's voice listing once went through a file too, came back cut short, and
    /// every voice read as unknown.)
    @Test func aFullDiskAtRenderingNamesTheFileNotAnUnknownVoice() throws {
        let r = try LoaBinary.run(["check", "plan.yaml"], in: dir, environment: ["LOA_CACHE_DIR": cache.path],
                                  through: ["/usr/bin/prlimit", "--fsize=2048"])
        #expect(r.status == 1)
        #expect(!r.err.contains("unknown voice"), "\(r.err)")
        #expect(r.err.contains("could not render message 'notice' to speech"), "\(r.err)")
        #expect(r.err.contains(cache.appendingPathComponent("speech").path) && r.err.contains("File too large"),
                "\(r.err)")
    }

    @Test func aSimulatedRunAirsTheRenderedTextAndLogsItsFileAndHash() throws {
        let check = try run(["check", "plan.yaml"])
        #expect(check.status == 0, "\(check.err)")
        let rendered = try renderedFiles()
        #expect(rendered.count == 1)

        let r = try run(["run", "plan.yaml", "--station", "xa-doc", "--clock", "simulated", "--from", "2026-06-01",
                         "--to", "2026-06-03", "--log", "sim.sqlite", "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try renderedFiles() == rendered, "the run must reuse check's rendering")

        let log = try AiringLog(path: dir.appendingPathComponent("sim.sqlite").path)
        let events = try log.events().filter { $0.message == "notice" }
        #expect(events.map(\.kind) == [.started, .finished, .started, .finished, .started, .finished])
        let file = cache.appendingPathComponent("speech").appendingPathComponent(rendered[0])
        let sha = try ContentHash.sha256(of: file)
        #expect(rendered[0] == "\(sha).wav")
        for e in events {
            #expect(e.audio.map { URL(fileURLWithPath: $0).lastPathComponent } == rendered[0])
            #expect(e.audioSHA256 == sha)
        }
        let played = try #require(events.last?.playedSeconds)
        #expect(abs(played - (try AudioProbe.info(of: file).duration)) < 0.05)
        #expect(try log.verify().isOK)
    }

    @Test func emergencyTextIsRenderedAndHandedToTheRunningDaemon() throws {
        // A slot from a few seconds from now with one long item, so the emergency cuts into something on air. The
        // null device takes audio as fast as it is decoded: 20 minutes keep it on air long enough on a busy machine.
        try sox(["-n", "-r", "8000", "-c", "1", dir.appendingPathComponent("long.wav").path,
                 "synth", "1200", "sine", "330"])
        // A schedule file airs only what its plan names: this plan gives the long item a slot of its own.
        try LongItemPlan.write(from: dir.appendingPathComponent("plan.yaml"), audio: "long.wav",
                               afterSlot: "      - {name: morning, days: [mon-sun], start: \"06:00\", length: 15m}")
        let start = Date().addingTimeInterval(3)
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = tz; f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let startText = f.string(from: start) + "+07:00"
        let line = "{\"station\":\"xa-doc\",\"date\":\"\(startText.prefix(10))\",\"slot\":\"now\",\"start\":\"\(startText)\","
            + "\"length_s\":3600,\"used_s\":1200,\"items\":[{\"kind\":\"message\",\"message\":\"long\","
            + "\"priority\":\"normal\",\"audio\":\"long.wav\",\"offset_s\":0,\"duration_s\":1200}]}"
        let schedule = dir.appendingPathComponent("now.jsonl")
        try Data(line.utf8).write(to: schedule)
        let sock = dir.appendingPathComponent("xa-doc.sock").path
        let logPath = dir.appendingPathComponent("live.sqlite").path
        let (daemon, _, _) = try spawn(["run", "live.yaml", "--station", "xa-doc", "--device", "null", "--log",
                                        "live.sqlite", "--schedule", schedule.path, "--socket", sock, "--quiet"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        var onAir = false
        for _ in 0..<500 where !onAir {
            usleep(20_000)
            onAir = (try? AiringLog(path: logPath, readOnly: true).events().contains { $0.kind == .started }) == true
        }
        #expect(onAir)

        let marker = dir.appendingPathComponent("pwned")
        let unknown = try run(["emergency", "--text", "Bão số 3", "--voice", "vi-vn-x-west", "--station", "xa-doc",
                               "--socket", sock])
        #expect(unknown.status == 1 && unknown.err.contains("unknown voice \"vi-vn-x-west\""), "\(unknown.err)")

        let text = "Khẩn cấp! Bão số 3 đổ bộ, bà con không ra sông. $(touch \(marker.path)) `touch \(marker.path)`"
        let r = try run(["emergency", "--text", text, "--voice", "vi-vn-x-south", "--station", "xa-doc",
                         "--socket", sock])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Emergency bulletin on air at station xa-doc"), "\(r.out)")
        var finished = false
        for _ in 0..<500 where !finished {
            usleep(20_000)
            finished = (try? AiringLog(path: logPath, readOnly: true).events()
                .contains { $0.kind == .finished && $0.source == .emergency }) == true
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()

        let rendered = try renderedFiles()
        #expect(rendered.count == 2, "the plan's notice (rendered by the daemon) and the emergency: \(rendered)")
        let all = try AiringLog(path: logPath).events()
        #expect(all.filter { $0.message == "long" }.map(\.kind) == [.started, .preempted])
        let events = all.filter { $0.source == .emergency }
        #expect(events.map(\.kind) == [.started, .finished])
        let audio = try #require(events.first?.audio)
        let sha = try ContentHash.sha256(of: URL(fileURLWithPath: audio))
        #expect(URL(fileURLWithPath: audio).lastPathComponent == "\(sha).wav" && rendered.contains("\(sha).wav"))
        #expect(events.allSatisfy { $0.audioSHA256 == sha })
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    /// A schedule names a text message's speech by its content (`speech/SHA256.wav`), never by this machine's
    /// speech cache: one plan gives the same schedule and playlists on every machine, and a box airs its own
    /// rendering of the plan's text.
    @Test func aScheduleFromAnotherMachineAirsThisBoxsRenderingOfTheText() throws {
        let made = try run(["schedule", "plan.yaml", "--out", "sched", "--from", "2026-06-01", "--to", "2026-06-02"])
        #expect(made.status == 0, "\(made.err)")
        let schedule = dir.appendingPathComponent("sched/schedule.jsonl")
        let local = try renderedFiles()
        #expect(local.count == 1)
        let rendering = try #require(local.first)
        let text = try String(contentsOf: schedule, encoding: .utf8)
        #expect(!text.contains(cache.path) && text.contains("\"audio\":\"speech/\(rendering)\""))
        // The playlists name a copy inside the output folder, relative to themselves.
        let playlists = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("sched/playlists").path)
            .filter { $0.hasSuffix(".m3u8") }
        let m3u = try String(contentsOf: dir.appendingPathComponent("sched/playlists/" + (try #require(playlists.first))),
                             encoding: .utf8)
        #expect(!m3u.contains(cache.path) && !m3u.contains(dir.path))
        #expect(m3u.contains("../../speech/\(rendering)"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("sched/speech/\(rendering)").path))

        let r = try run(["run", "plan.yaml", "--station", "xa-doc", "--clock", "simulated", "--from", "2026-06-01",
                         "--to", "2026-06-02", "--schedule", schedule.path, "--log", "moved.sqlite", "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let events = try AiringLog(path: dir.appendingPathComponent("moved.sqlite").path).events()
            .filter { $0.message == "notice" }
        #expect(events.map(\.kind) == [.started, .finished, .started, .finished])
        #expect(events.allSatisfy { $0.audio.map { URL(fileURLWithPath: $0).lastPathComponent } == local.first })
    }

    /// `--repeat` and `--speed` shape the bulletin before any daemon is asked: rendered into the cache, then the
    /// missing daemon is reported (exit 1); out-of-range values are refused by name.
    @Test func emergencyTextCanBeReadSeveralTimesAndFaster() throws {
        let sock = dir.appendingPathComponent("nobody.sock").path
        let text = "Bão số 3 đổ bộ, bà con không ra sông."
        func renderedDuration(_ extra: [String]) throws -> Double {
            let before = Set((try? renderedFiles()) ?? [])
            let r = try run(["emergency", "--text", text, "--station", "xa-doc", "--socket", sock] + extra)
            #expect(r.status == 1, "\(r.err)")
            let new = try renderedFiles().filter { !before.contains($0) }
            #expect(new.count == 1, "\(extra): \(new)")
            let file = cache.appendingPathComponent("speech").appendingPathComponent(try #require(new.first))
            return try AudioProbe.info(of: file).duration
        }
        let once = try renderedDuration([])
        let twice = try renderedDuration(["--repeat", "2"])
        let fast = try renderedDuration(["--speed", "300"])
        #expect(abs(twice - (2 * once + 2)) < 0.05, "once \(once) s, twice \(twice) s (2 s pause between)")
        #expect(fast < once * 0.8, "at 300 wpm \(fast) s vs \(once) s")

        let tooMany = try run(["emergency", "--text", text, "--station", "xa-doc", "--socket", sock, "--repeat", "11"])
        #expect(tooMany.status == 1 && tooMany.err.contains("repeat") && tooMany.err.contains("1–10"), "\(tooMany.err)")
        let withAudio = try run(["emergency", "--audio", "x.wav", "--station", "xa-doc", "--repeat", "2"])
        #expect(withAudio.status == 2 && withAudio.err.contains("--repeat go with --text only"), "\(withAudio.err)")
    }
}
