import LoaCore
import Foundation
import LoaLog
import LoaTestSupport
import Testing

/// `loa run` as a real process asks for real-time priority for its playout thread: granted, the kernel shows a
/// SCHED_FIFO thread in the daemon; refused (no CAP_SYS_NICE, `RLIMIT_RTPRIO` 0), one journal line and it airs.
extension DaemonProcessTests {
    /// A slot starting in 2 s airing closing.wav once, from a schedule file; the daemon's process and stderr.
    func spawnAiringSoon(log: String, through wrapper: [String], extra: [String] = []) throws -> (Process, Pipe) {
        try LongItemPlan.write(from: dir.appendingPathComponent("plan.yaml"), audio: "audio/closing.wav",
                               afterSlot: "      - {name: evening, days: [mon-sun], start: \"17:00\", length: 15m}")
        let tz = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let startText = String(Timestamp.format(Date().addingTimeInterval(2), timeZone: tz).prefix(19)) + "+07:00"
        let line = "{\"station\":\"xa-thu\",\"date\":\"\(startText.prefix(10))\",\"slot\":\"now\",\"start\":\"\(startText)\","
            + "\"length_s\":3600,\"used_s\":4.73,\"items\":[{\"kind\":\"message\",\"message\":\"long\",\"priority\":\"normal\","
            + "\"audio\":\"audio/closing.wav\",\"offset_s\":0,\"duration_s\":4.73}]}"
        let schedule = dir.appendingPathComponent("\(log).jsonl")
        try Data(line.utf8).write(to: schedule)
        let (p, _, err) = try LoaBinary.spawn(["run", "live.yaml", "--station", "xa-thu", "--device", "null", "--log", log,
                                               "--schedule", schedule.path, "--socket", dir.appendingPathComponent("\(log).sock").path]
                                              + extra, in: dir, through: wrapper)
        return (p, err)
    }

    func waitForFinished(_ log: String) -> [AiringEvent] {
        for _ in 0..<400 {
            if let events = try? AiringLog(path: dir.appendingPathComponent(log).path, readOnly: true).events(),
               events.contains(where: { $0.kind == .finished }) { return events }
            usleep(20_000)
        }
        return []
    }

    func stopAndReadErr(_ p: Process, _ err: Pipe) -> String {
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        return String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func aDaemonRefusedRealTimeSaysSoOnceAndAirsAtNormalPriority() throws {
        // Root keeps CAP_SYS_NICE unless the bounding set drops it; the rtprio limit 0 then refuses SCHED_FIFO.
        let (p, err) = try spawnAiringSoon(log: "refused.sqlite", through: ["/usr/bin/setpriv", "--bounding-set=-sys_nice",
                                                                           "/usr/bin/prlimit", "--rtprio=0"])
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let events = waitForFinished("refused.sqlite")
        let stderr = stopAndReadErr(p, err)
        #expect(p.terminationStatus == 0, "\(stderr)")
        #expect(events.map(\.kind) == [.started, .finished], "\(stderr)")
        let notes = stderr.split(separator: "\n").filter { $0.contains("real-time priority") }
        #expect(notes.count == 1 && notes[0].contains("Operation not permitted") && notes[0].contains("normal priority"),
                "\(stderr)")
    }

    @Test func aDaemonGrantedRealTimeHasASchedFifoThreadAndNoRealtimeHasNone() throws {
        for realtime in [true, false] {
            let log = realtime ? "granted.sqlite" : "normal.sqlite"
            let (p, err) = try spawnAiringSoon(log: log, through: [], extra: realtime ? [] : ["--no-realtime"])
            defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
            let events = waitForFinished(log)
            // The daemon now waits for its next slot, still inside its run: its playout thread keeps its class.
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(p.processIdentifier)/task")) ?? []
            let fifo = tasks.filter { tid in
                let sched = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/task/\(tid)/sched", encoding: .utf8)) ?? ""
                return sched.split(separator: "\n").contains {
                    $0.hasPrefix("policy") && $0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) == "1"
                }
            }
            let names = fifo.map { (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/task/\($0)/comm", encoding: .utf8)) ?? "?" }
            let stderr = stopAndReadErr(p, err)
            #expect(events.map(\.kind) == [.started, .finished], "\(stderr)")
            #expect(!tasks.isEmpty)
            if realtime {
                // The playout thread and the alerts' timer (one below it); the worker threads they start do not
                // inherit real time (SCHED_RESET_ON_FORK).
                #expect(fifo.count == 2, "\(tasks.count) threads, FIFO: \(names)")
                #expect(stderr.contains("the playout thread runs at real-time priority (SCHED_FIFO 20)"), "\(stderr)")
            } else {
                #expect(fifo.isEmpty && !stderr.contains("real-time"), "\(stderr)")
            }
        }
    }
}
