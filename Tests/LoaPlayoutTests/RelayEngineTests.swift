import Foundation
import LoaAudio
import LoaCore
import LoaPlan
import LoaPlayout
import LoaTestSupport
import Testing

/// A stand-in Icecast server (`MP3StreamServer`, a real process serving a real MP3 on 127.0.0.1 in real time) and
/// helpers to make audio and look at what aired, with sox.
struct RelayRig {
    let dir: URL
    let mp3: URL
    let bytesPerSecond: Double

    /// A 440 Hz tone at `volume` as a mono 44.1 kHz MP3 of `seconds`.
    init(seconds: Double = 20, volume: Double = 0.1) throws {
        dir = TemporaryFolders.make("loa-relay")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        mp3 = dir.appendingPathComponent("vov1.mp3")
        try Self.sox(["-n", "-r", "44100", "-c", "1", mp3.path, "synth", "\(seconds)", "sine", "440", "vol", "\(volume)"])
        let size = try FileManager.default.attributesOfItem(atPath: mp3.path)[.size] as! Int
        bytesPerSecond = Double(size) / seconds
    }

    /// A tone file (the fallback), 16-bit WAV.
    func tone(_ name: String, hz: Int, seconds: Double, volume: Double = 0.3) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Self.sox(["-n", "-r", "48000", "-c", "1", "-b", "16", url.path, "synth", "\(seconds)", "sine", "\(hz)",
                      "vol", "\(volume)"])
        return url
    }

    /// Starts the stand-in server for this MP3 (on `port`, or any free one); returns it and its port.
    func serve(port: Int = 0, stallAfter: Double? = nil) throws -> (Process, Int) {
        try MP3StreamServer.start(mp3, bytesPerSecond: bytesPerSecond, port: port, stallAfter: stallAfter)
    }

    @discardableResult
    static func sox(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw RigError.sox(text) }
        return text
    }

    /// Frequency (Hz) and RMS amplitude of `seconds` of `wav` from `from`, by sox's `stat`.
    static func look(_ wav: URL, from: Double, seconds: Double) throws -> (hz: Double, rms: Double) {
        let text = try sox([wav.path, "-n", "trim", "\(from)", "\(seconds)", "remix", "1", "stat"])
        func value(_ key: String) -> Double {
            let line = text.split(separator: "\n").first { $0.hasPrefix(key) } ?? ""
            return Double(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? -1
        }
        return (value("Rough   frequency"), value("RMS     amplitude"))
    }

    enum RigError: Error { case sox(String) }
}

@Suite(.serialized) struct RelayEngineTests {
    /// The plan's station with a fallback, and one relay occurrence of `length` s starting `lead` s from now.
    func setup(_ rig: RelayRig, source: String, length: Int, lead: Double, fallback: URL?) -> (Plan, SlotOccurrence) {
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        var station = Station(id: "ba-dinh", name: "Ba Đình", slots: [])
        station.fallback = fallback.map { Media(path: $0.lastPathComponent, url: $0, duration: 2) }
        let start = Date().addingTimeInterval(lead)
        let plan = Plan(id: "test-plan", title: "Test", timezone: tz,
                        period: DateRange(from: CivilDate("2026-01-01")!, to: CivilDate("2030-12-31")!),
                        stations: [station], messages: [], file: rig.dir.appendingPathComponent("plan.yaml"))
        let item = ScheduledItem(kind: .relay, media: Media(path: source, duration: Double(length)), offset: 0,
                                 duration: Double(length))
        let occurrence = SlotOccurrence(station: "ba-dinh", date: CivilDate("2026-06-01")!, slot: "vov1", start: start,
                                        utcOffsetSeconds: 7 * 3600, lengthSeconds: length, items: [item])
        return (plan, occurrence)
    }

    func engine(_ plan: Plan, _ schedule: [SlotOccurrence], sink: any PlayoutSink, recorder: MemoryRecorder)
        -> (PlayoutEngine, DispatchSemaphore) {
        var options = EngineOptions(station: "ba-dinh")
        options.lower = Date().addingTimeInterval(-1)
        options.report = { _ in }; options.problem = { _ in }
        let engine = PlayoutEngine(plan: plan, schedule: schedule, options: options, clock: SystemClock(), sink: sink,
                                   recorder: recorder)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { try? engine.run(); done.signal() }
        return (engine, done)
    }

    /// Airs `relay` into `wav` on the system clock (after `logged` events already in the log), runs `meanwhile` on
    /// this thread, waits until the relay is over and stops; the events the engine logged, in order.
    func air(_ plan: Plan, _ relay: SlotOccurrence, into wav: URL, logged: [AiringEvent] = [],
             meanwhile: (PlayoutEngine) throws -> Void = { _ in }) throws -> [AiringEvent] {
        let recorder = MemoryRecorder()
        for e in logged { try recorder.append(e) }
        let (engine, done) = engine(plan, [relay], sink: Player(recordingTo: wav, cache: nil), recorder: recorder)
        try meanwhile(engine)
        Thread.sleep(until: relay.end.addingTimeInterval(1.5))
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        return recorder.all
    }

    @Test func aStreamKilledAndRestartedMidRelayIsOneAiringWithItsOutageLoggedAndTheFallbackOnAir() throws {
        let rig = try RelayRig()
        let fallback = try rig.tone("fallback.wav", hz: 1000, seconds: 2)
        var (server, port) = try rig.serve()
        defer { server.terminate() }
        let length = 14
        let (plan, relay) = setup(rig, source: "http://127.0.0.1:\(port)/vov1.mp3", length: length, lead: 2.2,
                                  fallback: fallback)
        let wav = rig.dir.appendingPathComponent("aired.wav")
        let events = try air(plan, relay, into: wav) { _ in
            // Killed 3 s into the relay, back 4 s later on the same port.
            Thread.sleep(until: relay.start.addingTimeInterval(3))
            server.terminate(); server.waitUntilExit()
            Thread.sleep(until: relay.start.addingTimeInterval(7))
            (server, _) = try rig.serve(port: port)
        }
        #expect(events.map(\.kind) == [.started, .missed, .finished], "\(events.map(\.short))")
        guard events.count == 3 else { return }
        let (started, missed, finished) = (events[0], events[1], events[2])
        #expect(started.source == .relay && started.audio == "http://127.0.0.1:\(port)/vov1.mp3")
        #expect(started.plannedSeconds.map { abs($0 - Double(length)) < 0.5 } == true)
        #expect(missed.source == .relay && missed.airing == started.airing + "/outage-1")
        #expect(missed.detail?.hasPrefix("stream down: ") == true, "\(missed.detail ?? "")")
        let outage = try #require(missed.plannedSeconds)
        // The stream was gone 4 s; what was buffered covers part of it, the reconnect (≤ 1 s apart) the rest.
        #expect(outage > 1.5 && outage < 7, "outage \(outage) s")
        let played = try #require(finished.playedSeconds)
        #expect(abs(played + outage - Double(length)) < 0.5, "played \(played) s + outage \(outage) s")
        #expect(finished.airing == started.airing)

        // What aired: the stream's 440 Hz, then the fallback's 1000 Hz inside the outage, then 440 Hz again.
        let startedAt = try #require(Timestamp.parse(started.at))
        let fromText = try #require(missed.detail?.components(separatedBy: " lost from ").last)
        let outageFrom = try #require(Timestamp.parse(fromText)).timeIntervalSince(startedAt)
        let before = try RelayRig.look(wav, from: 0.5, seconds: 1.5)
        let during = try RelayRig.look(wav, from: outageFrom + 1.2, seconds: max(0.3, outage - 1.6))
        let after = try RelayRig.look(wav, from: outageFrom + outage + 0.3, seconds: 1)
        #expect(abs(before.hz - 440) < 20 && abs(after.hz - 440) < 20, "before \(before), after \(after)")
        #expect(abs(during.hz - 1000) < 40 && during.rms > 0.05, "during \(during)")
    }

    @Test func aStreamThatStallsIsReconnectedAndItsOutageSaysSo() throws {
        // After 2 s of stream the server keeps its connections open and sends nothing for 7.5 s: the reader gives up
        // on each after 3 s of silence and connects again, until the stream flows.
        let rig = try RelayRig()
        let (server, port) = try rig.serve(stallAfter: 2)
        defer { server.terminate() }
        let (plan, relay) = setup(rig, source: "http://127.0.0.1:\(port)/vov1.mp3", length: 12, lead: 2.2,
                                  fallback: try rig.tone("fallback.wav", hz: 1000, seconds: 2))
        let events = try air(plan, relay, into: rig.dir.appendingPathComponent("aired.wav"))
        #expect(events.map(\.kind) == [.started, .missed, .finished], "\(events.map(\.short))")
        guard events.count == 3 else { return }
        #expect(events[1].detail?.hasPrefix("stream down: no data for 3 s") == true, "\(events[1].detail ?? "")")
        let outage = try #require(events[1].plannedSeconds)
        #expect(outage > 2 && outage < 7, "outage \(outage) s")
        // The rest is the source, but for gaps under a second (heard as silence, not outages: the reader's
        // reconnects while the stall began) that count in neither.
        let played = try #require(events[2].playedSeconds)
        #expect(played + outage <= 12.05 && played + outage > 11, "played \(played) s + outage \(outage) s")
    }

    @Test func aStreamAnsweringWithAnErrorIsAnOutageForItsWholeLength() throws {
        let rig = try RelayRig(seconds: 1)
        let (server, port) = try rig.serve()
        defer { server.terminate() }
        let (plan, relay) = setup(rig, source: "http://127.0.0.1:\(port)/status/503", length: 3, lead: 1.5,
                                  fallback: try rig.tone("fallback.wav", hz: 1000, seconds: 2))
        let events = try air(plan, relay, into: rig.dir.appendingPathComponent("aired.wav"))
        #expect(events.map(\.kind) == [.started, .missed, .finished], "\(events.map(\.short))")
        guard events.count == 3 else { return }
        #expect(events[1].detail?.hasPrefix("stream down: HTTP 503; 3.0 s lost from ") == true, "\(events[1].detail ?? "")")
        #expect(events[1].plannedSeconds == 3 && events[2].playedSeconds == 0)
    }

    @Test func theRelayIsLeveledByARunningLoudnessThatGlides() throws {
        // A quiet source (−26 dBFS sine, about −29 LUFS): the gain climbs toward −16 LUFS at most 4 dB/s.
        let rig = try RelayRig(seconds: 10, volume: 0.05)
        let (server, port) = try rig.serve()
        defer { server.terminate() }
        let (plan, relay) = setup(rig, source: "http://127.0.0.1:\(port)/vov1.mp3", length: 6, lead: 2.2,
                                  fallback: nil)
        let wav = rig.dir.appendingPathComponent("aired.wav")
        #expect(try air(plan, relay, into: wav).map(\.kind) == [.started, .finished])
        var levels: [Double] = []
        for step in 0..<10 { levels.append(try RelayRig.look(wav, from: Double(step) * 0.5, seconds: 0.5).rms) }
        let db = levels.map { 20 * log10($0) }
        // Louder by the end (well over 6 dB up), and never a step of more than 2.5 dB from one half second to the next.
        #expect(db[9] - db[0] > 6, "\(db)")
        #expect(zip(db, db.dropFirst()).allSatisfy { abs($1 - $0) <= 2.5 }, "\(db)")
    }
}

@Suite(.serialized) struct RelayInterruptionTests {
    let base = RelayEngineTests()

    @Test func anEmergencyCutsIntoARelayWhichResumesAfterIt() throws {
        let rig = try RelayRig()
        let storm = try rig.tone("storm.wav", hz: 700, seconds: 1.5)
        let (server, port) = try rig.serve()
        defer { server.terminate() }
        let (plan, relay) = base.setup(rig, source: "http://127.0.0.1:\(port)/vov1.mp3", length: 9, lead: 2.2,
                                       fallback: nil)
        let events = try base.air(plan, relay, into: rig.dir.appendingPathComponent("a.wav")) { engine in
            Thread.sleep(until: relay.start.addingTimeInterval(2))
            let replied = DispatchSemaphore(value: 0)
            engine.emergency(EmergencyRequest(audio: storm)) { reply in
                #expect(reply.ok)
                replied.signal()
            }
            #expect(replied.wait(timeout: .now() + 3) == .success)
        }
        #expect(events.map { "\($0.kind.rawValue) \($0.source.rawValue)" }
                == ["started relay", "preempted relay", "started emergency", "finished emergency", "started relay",
                    "finished relay"], "\(events.map(\.short))")
        guard events.count == 6 else { return }
        #expect(events[4].airing == events[0].airing + "/resumed-1" && events[5].airing == events[4].airing)
        // The two parts of the relay add up to about its length. A file sink hears at once what is written, so the
        // cut part counts the 1.25 s the relay runs ahead of the clock (a device's buffer, dropped at a cut there),
        // and takes the bulletin in no time.
        let total = (events[1].playedSeconds ?? 0) + (events[5].playedSeconds ?? 0)
        #expect(total > 5.5 && total < 9 + 1.3, "relay aired \(total) s")
        #expect(events[4].plannedSeconds.map { $0 < 7.5 } == true, "resumed for \(events[4].plannedSeconds ?? 0) s")
    }

    @Test func aRelayCutByACrashResumesForWhatIsLeftOfIt() throws {
        let rig = try RelayRig()
        let (server, port) = try rig.serve()
        defer { server.terminate() }
        // The relay began 2 s ago and its `started` is in the log without an ending: the box died while airing it.
        let (plan, relay) = base.setup(rig, source: "http://127.0.0.1:\(port)/vov1.mp3", length: 6, lead: -2,
                                       fallback: nil)
        let id = relay.airingID(of: relay.items[0])
        let opened = AiringEvent(at: Timestamp.format(relay.start, timeZone: plan.timezone), kind: .started, airing: id,
                                 station: "ba-dinh", plan: plan.id, source: .relay, audio: relay.items[0].media.path,
                                 plannedSeconds: 6)
        let events = try base.air(plan, relay, into: rig.dir.appendingPathComponent("a.wav"), logged: [opened])
        #expect(events.map(\.short) == ["started relay", "interrupted relay", "started resumed", "finished resumed"],
                "\(events.map(\.short))")
        // What is left: about 4 s of the 6.
        #expect(events.last?.airing == id + "/resumed")
        #expect(events.last?.playedSeconds.map { $0 > 3 && $0 < 4.6 } == true, "\(events.last?.playedSeconds ?? -1)")
    }

    @Test func aCaptureDeviceThatIsGoneIsAnOutageWithTheFallbackOnAir() throws {
        let rig = try RelayRig(seconds: 1)
        let fallback = try rig.tone("fallback.wav", hz: 1000, seconds: 2)
        let (plan, relay) = base.setup(rig, source: "alsa:no-such-receiver", length: 4, lead: 1.5, fallback: fallback)
        let wav = rig.dir.appendingPathComponent("aired.wav")
        let events = try base.air(plan, relay, into: wav)
        #expect(events.map(\.kind) == [.started, .missed, .finished], "\(events.map(\.short))")
        guard events.count == 3 else { return }
        #expect(events[1].detail?.hasPrefix("device gone: no-such-receiver: cannot open audio device") == true,
                "\(events[1].detail ?? "")")
        // The whole relay was the outage: from its start, all 4 s; nothing of the source aired.
        #expect(events[1].plannedSeconds == 4 && events[2].playedSeconds == 0)
        let during = try RelayRig.look(wav, from: 1.2, seconds: 2.5)
        #expect(abs(during.hz - 1000) < 40 && during.rms > 0.05, "\(during)")
    }

    @Test func aCaptureDeviceAirsWhatItRecords() throws {
        // ALSA's null device records silence, at once and forever: the relay airs it for its length, no outage.
        let rig = try RelayRig(seconds: 1)
        let (plan, relay) = base.setup(rig, source: "alsa:null", length: 3, lead: 1.5, fallback: nil)
        let events = try base.air(plan, relay, into: rig.dir.appendingPathComponent("a.wav"))
        #expect(events.map(\.kind) == [.started, .finished], "\(events.map(\.short))")
        #expect(events.last.flatMap(\.playedSeconds).map { abs($0 - 3) < 0.05 } == true)
        #expect(events.first?.audio == "alsa:null")
    }
}
