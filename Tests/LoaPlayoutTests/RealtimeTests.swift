import LoaCore
import Foundation
import LoaPlayout
import LoaSystem
import Testing

/// The engine's thread asks for real-time priority while it runs (it waits for each start, writes to the device and
/// notices each cut): the kernel's own view of that thread confirms the outcome, and a refusal is one journal line
/// while airing goes on.
@Suite(.serialized) struct RealtimeTests {
    let f: Fixture
    init() throws { f = try Fixture() }

    /// What the engine thread saw of itself while its first item aired: its class and the kernel's policy number.
    final class Seen: @unchecked Sendable {
        let value = Locked<(ThreadScheduling, kernel: Int32?)?>(nil)
        /// The class of a thread the engine thread started (it must not inherit real time).
        let child = Locked<ThreadScheduling?>(nil)
    }

    func slotSoon() -> SlotOccurrence {
        var slot = f.standardSlot("2026-06-01", "06:00", name: "now")
        slot.start = Date().addingTimeInterval(0.1)
        slot.utcOffsetSeconds = 7 * 3600
        return slot
    }

    /// Whether this machine grants SCHED_FIFO at all, tried on a scratch thread.
    static func systemGrantsRealtime() -> Bool {
        let granted = Locked(false), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            granted.withLock { $0 = (try? ThreadScheduling.set(.init(policy: .fifo, priority: 1), thread: "probe")) != nil }
            done.signal()
        }
        done.wait()
        return granted.current
    }

    func run(_ options: (inout EngineOptions) -> Void) -> (PlayoutEngine, MemoryRecorder, Seen, RealtimeOutcome,
                                                            [String], [String]) {
        let sink = FakeSink(durations: Fixture.durations, pace: 0.002)
        let seen = Seen()
        sink.onStart.withLock { $0 = { _ in
            let tid = ThreadScheduling.threadID()
            let first = seen.value.withLock { v in
                defer { if v == nil { v = (ThreadScheduling.current(), ThreadScheduling.kernelPolicy(ofThread: tid)) } }
                return v == nil
            }
            guard first else { return }
            let started = DispatchSemaphore(value: 0)
            Thread.detachNewThread { seen.child.withLock { $0 = ThreadScheduling.current() }; started.signal() }
            started.wait()
        } }
        let recorder = MemoryRecorder()
        let reports = Locked<[String]>([]), problems = Locked<[String]>([])
        var o = f.options(from: Date().addingTimeInterval(-1))
        o.lead = 0.05
        o.report = { line in reports.withLock { $0.append(line) } }
        o.problem = { line in problems.withLock { $0.append(line) } }
        options(&o)
        let engine = PlayoutEngine(plan: f.plan, schedule: [slotSoon()], options: o, clock: SystemClock(), sink: sink,
                                   recorder: recorder)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { try? engine.run(); done.signal() }
        #expect(f.waitFor { recorder.all.filter { $0.kind == .finished }.count == 4 })
        let during = engine.realtime
        engine.stop()
        #expect(done.wait(timeout: .now() + 5) == .success)
        return (engine, recorder, seen, during, reports.current, problems.current)
    }

    @Test func thePlayoutThreadAsksForRealTimeAndTheKernelConfirmsTheOutcome() throws {
        let (engine, recorder, seen, during, reports, problems) = run { _ in }
        let (scheduling, kernel) = try #require(seen.value.current)
        if Self.systemGrantsRealtime() {
            guard case .granted(let s, let tid) = during else { Issue.record("not granted: \(during)"); return }
            #expect(s == ThreadScheduling(policy: .fifo, priority: 20) && tid > 0)
            // Seen from the thread itself and from /proc/self/task/TID/sched: policy 1 is SCHED_FIFO.
            #expect(scheduling == s && kernel == 1)
            // A thread it starts begins at normal priority (SCHED_RESET_ON_FORK): no helper inherits real time.
            #expect(seen.child.current == ThreadScheduling(policy: .normal, priority: 0))
            #expect(reports.contains { $0.contains("real-time priority (SCHED_FIFO 20)") }, "\(reports)")
            #expect(during.status.realtime && during.status.policy == "SCHED_FIFO 20")
        } else {
            guard case .refused = during else { Issue.record("not refused: \(during)"); return }
            #expect(!scheduling.isRealtime && kernel == 0)
            #expect(problems.contains { $0.contains("normal priority") })
        }
        // After `run()` the thread is put back and the outcome says so.
        #expect(engine.realtime == .off)
        #expect(recorder.all.filter { $0.kind == .started }.count == 4)
    }

    @Test func aRefusalIsOneJournalLineAndTheStationAirsAtNormalPriority() throws {
        let (_, recorder, seen, during, _, problems) = run { o in
            o.realtime = RealtimeRequest(priority: 20) { _, name throws(SystemError) in
                throw SystemError(.scheduling, subject: name, code: EPERM)
            }
        }
        guard case .refused(let error, _) = during else { Issue.record("not refused: \(during)"); return }
        #expect(error.code == EPERM && error.kind == .scheduling)
        let lines = problems.filter { $0.contains("real-time") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("Operation not permitted") == true && lines.first?.contains("normal priority") == true,
                "\(lines)")
        #expect(!during.status.realtime && during.status.en.contains("refused real time"))
        let (scheduling, kernel) = try #require(seen.value.current)
        #expect(!scheduling.isRealtime && kernel == 0)
        // Every item aired and was logged, in order.
        #expect(recorder.all.map(\.kind) == [.started, .finished, .started, .finished, .started, .finished,
                                             .started, .finished])
    }

    @Test func noRealtimeLeavesTheThreadAtNormalPriority() throws {
        let (_, recorder, seen, during, reports, problems) = run { $0.realtime = .off }
        #expect(during == .off && !during.status.realtime)
        let (scheduling, kernel) = try #require(seen.value.current)
        #expect(!scheduling.isRealtime && kernel == 0)
        #expect(!(reports + problems).contains { $0.contains("real-time") })
        #expect(recorder.all.filter { $0.kind == .finished }.count == 4)
    }
}
