import LoaCore
import Foundation
import LoaAudio
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSchedule

/// A test double for the audio engine: "plays" by reporting each item's known length (capped like the real one),
/// optionally in real time, and can fail the device at open or mid-item.
final class FakeSink: PlayoutSink, @unchecked Sendable {
    struct Play { var items: [PlayItem]; var startingAt: UInt64?; var calledAt = monotonicNanoseconds() }
    let durations: [String: Double]
    /// Seconds of real time per second of audio (0 = instant).
    let pace: Double
    let state = Locked(State())
    struct State {
        var plays: [Play] = []
        var stopRequested = false
        var failOpens = 0
        var failAfter: Double?
        var stopCalls: [UInt64] = []
        /// Each `prepare`: the file and when it returned.
        var prepared: [(url: URL, doneAt: UInt64)] = []
        /// How long one `prepare` takes (a real sink measures the whole file).
        var prepareSeconds: Double = 0
    }
    /// Called on the audio thread after each `willStart` is observed (tests use it to post commands mid-item).
    let onStart = Locked<(@Sendable (PlayItem) -> Void)?>(nil)

    init(durations: [String: Double], pace: Double = 0) { self.durations = durations; self.pace = pace }

    func play(_ items: [PlayItem], startingAt deadline: MonotonicInstant?,
              observer: @escaping @Sendable (PlayEvent) -> Void) -> [ItemResult] {
        let startingAt = deadline.map { UInt64($0.nanoseconds) }
        let (failOpen, failAfter) = state.withLock { s -> (Bool, Double?) in
            s.plays.append(Play(items: items, startingAt: startingAt)); s.stopRequested = false
            if s.failOpens > 0 { s.failOpens -= 1; return (true, nil) }
            defer { s.failAfter = nil }
            return (false, s.failAfter)
        }
        if let at = startingAt {
            let now = monotonicNanoseconds()
            if at > now { usleep(UInt32((at - now) / 1000)) }
        }
        var results: [ItemResult] = []
        var stopped = false
        for (i, item) in items.enumerated() {
            if failOpen {
                let r = ItemResult(outcome: .failed(AudioError(.deviceUnavailable, subject: "fake", libraryMessage: "no such device")),
                                   playedSeconds: 0)
                results.append(r); observer(.ended(index: i, r)); continue
            }
            if stopped {
                let r = ItemResult(outcome: .skipped, playedSeconds: 0)
                results.append(r); observer(.ended(index: i, r)); continue
            }
            let full = durations[item.url.lastPathComponent] ?? 1
            var length = min(full, item.maxSeconds ?? full)
            let started = monotonicNanoseconds()
            observer(.willStart(index: i, airsAt: MonotonicInstant(nanoseconds: Int64(started))))
            onStart.current?(item)
            var outcome = PlayOutcome.finished
            if let f = failAfter, f < length {
                let unplugged = AudioError(.deviceFailed, subject: "fake", libraryMessage: "device unplugged")
                length = f; outcome = .failed(unplugged)
                observer(.deviceLost(unplugged))
            }
            var played = length
            if pace > 0 {
                let end = Double(started) + length * pace * 1e9
                while Double(monotonicNanoseconds()) < end {
                    if state.withLock({ $0.stopRequested }) {
                        played = (Double(monotonicNanoseconds()) - Double(started)) / 1e9 / pace
                        outcome = .stopped; break
                    }
                    usleep(1000)
                }
            } else if state.withLock({ $0.stopRequested }) {
                // Instant playback: a stop requested during willStart cuts this item at a fixed point.
                played = min(length, 10); outcome = .stopped
            }
            if outcome == .stopped { stopped = true }
            let r = ItemResult(outcome: outcome, playedSeconds: played,
                               firstSampleAt: MonotonicInstant(nanoseconds: Int64(started)))
            results.append(r); observer(.ended(index: i, r))
            if case .failed = outcome { stopped = true }
        }
        return results
    }

    func stop() { state.withLock { $0.stopRequested = true; $0.stopCalls.append(monotonicNanoseconds()) } }

    func prepare(_ url: URL) throws(AudioError) {
        let seconds = state.withLock { $0.prepareSeconds }
        if seconds > 0 { usleep(UInt32(seconds * 1e6)) }
        state.withLock { $0.prepared.append((url.standardizedFileURL, monotonicNanoseconds())) }
    }

    func contentHash(of media: Media) throws(AudioError) -> String {
        guard let url = media.url, let data = try? Data(contentsOf: url) else {
            throw AudioError(.fileMissing, subject: media.path)
        }
        return String(data.count) + "-" + url.lastPathComponent
    }

    var plays: [Play] { state.current.plays }
}

/// A folder with a few "audio" files (bytes only; the fake sink never decodes) and a plan around them.
struct Fixture {
    let dir: URL
    let plan: Plan
    let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    static let durations: [String: Double] = ["intro.wav": 8, "a.wav": 60, "b.wav": 90, "outro.wav": 5,
                                              "storm.wav": 30, "long.wav": 400]

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-playout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in Fixture.durations.keys {
            try Data(name.utf8).write(to: dir.appendingPathComponent(name))
        }
        let period = DateRange(from: CivilDate("2026-06-01")!, to: CivilDate("2026-06-30")!)
        plan = Plan(id: "test-plan", title: "Test", timezone: tz, period: period,
                    stations: [Station(id: "ba-dinh", name: "Ba Đình", slots: [])], messages: [],
                    file: dir.appendingPathComponent("plan.yaml"))
    }

    func date(_ day: String, _ time: String, plus seconds: Double = 0) -> Date {
        var c = DateComponents()
        let d = CivilDate(day)!, t = TimeOfDay(time)!
        c.year = d.year; c.month = d.month; c.day = d.day; c.hour = t.hour; c.minute = t.minute
        var cal = Calendar(identifier: .gregorian); cal.timeZone = tz
        return cal.date(from: c)!.addingTimeInterval(seconds)
    }

    /// A slot with items back to back from offset 0, as the scheduler lays them out.
    func slot(_ day: String, _ time: String, name: String, length: Int = 900,
              _ items: [(ScheduledItem.Kind, String?, String, Priority?)]) -> SlotOccurrence {
        var offset = 0.0
        let scheduled = items.map { kind, message, audio, priority -> ScheduledItem in
            let d = Fixture.durations[audio]!
            defer { offset += d }
            return ScheduledItem(kind: kind, message: message, priority: priority,
                                 media: Media(path: audio, url: dir.appendingPathComponent(audio), duration: d),
                                 offset: offset, duration: d)
        }
        return SlotOccurrence(station: "ba-dinh", date: CivilDate(day)!, slot: name, start: date(day, time),
                              utcOffsetSeconds: 7 * 3600, lengthSeconds: length, items: scheduled)
    }

    func standardSlot(_ day: String, _ time: String, name: String, length: Int = 900) -> SlotOccurrence {
        slot(day, time, name: name, length: length,
             [(.intro, nil, "intro.wav", nil), (.message, "msg-a", "a.wav", .normal),
              (.message, "msg-b", "b.wav", .normal), (.outro, nil, "outro.wav", nil)])
    }

    /// The engine on the system clock, on a thread of its own; `done` is signalled when `run()` returns.
    func startEngine(_ schedule: [SlotOccurrence], sink: any PlayoutSink, recorder: MemoryRecorder,
                     lead: Double = 0.05) -> (engine: PlayoutEngine, done: DispatchSemaphore) {
        var options = options(from: Date().addingTimeInterval(-1))
        options.lead = lead
        let engine = PlayoutEngine(plan: plan, schedule: schedule, options: options, clock: SystemClock(),
                                   sink: sink, recorder: recorder)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { try? engine.run(); done.signal() }
        return (engine, done)
    }

    /// Polls `condition` every 2 ms for up to `seconds`.
    func waitFor(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { if condition() { return true }; usleep(2000) }
        return condition()
    }

    func options(from: Date? = nil, until: Date? = nil) -> EngineOptions {
        var o = EngineOptions(station: "ba-dinh")
        o.until = until; o.lower = from
        o.report = { _ in }
        o.problem = { _ in }
        return o
    }
}

extension AiringEvent {
    var short: String { "\(kind.rawValue) \(airing.split(separator: "/").last ?? "")" }
}

/// CLOCK_MONOTONIC nanoseconds, the fake sink's timebase.
func monotonicNanoseconds() -> UInt64 { UInt64(MonotonicInstant.now().nanoseconds) }
