import Foundation
import Synchronization
import Testing
@testable import LoaAudio

/// A device that keeps time: ALSA's `jack` PCM (Debian's libasound2-plugins) on a JACK server with the dummy
/// backend (jackd2); `scripts/setup` installs both. The null and file devices never underrun; this one does.
@Suite(.serialized) struct PacedDeviceTests {
    let a = try! Audio()

    /// Starts a JACK dummy server on the default server name and waits until it takes clients (one already running
    /// serves as well: this one then exits at once).
    static func startJack() throws -> Process {
        let jackd = Process()
        jackd.executableURL = URL(fileURLWithPath: "/usr/bin/jackd")
        jackd.arguments = ["--no-realtime", "-d", "dummy", "-r", "48000", "-p", "1024"]
        jackd.standardOutput = FileHandle.nullDevice; jackd.standardError = FileHandle.nullDevice
        try jackd.run()
        let wait = Process()
        wait.executableURL = URL(fileURLWithPath: "/usr/bin/jack_wait")
        wait.arguments = ["-w", "-t", "10"]
        wait.standardOutput = FileHandle.nullDevice
        try wait.run(); wait.waitUntilExit()
        try #require(wait.terminationStatus == 0, "no JACK server (apt-get install jackd2 libasound2-plugins)")
        return jackd
    }

    func withJack(_ body: () throws -> Void) throws {
        let jackd = try Self.startJack()
        defer { if jackd.isRunning { jackd.terminate(); jackd.waitUntilExit() } }
        try body()
    }

    /// Plays `items` on `player` on a thread of its own; gives up (stop) after `limit` s instead of hanging.
    static func play(_ player: Player, _ items: [PlayItem], limit: Double,
              observer: @escaping @Sendable (PlayEvent) -> Void) -> (results: [ItemResult], inTime: Bool) {
        let outcome = Mutex<[ItemResult]>([])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let r = player.play(items, observer: observer)
            outcome.withLock { $0 = r }
            done.signal()
        }
        let inTime = done.wait(timeout: .now() + limit) == .success
        if !inTime { player.stop(); done.wait() }
        return (outcome.withLock { $0 }, inTime)
    }

    /// The playing thread is held 1.5 s as the second file starts while the device holds at most 1 s: it runs dry
    /// (EPIPE). The stream must start again by itself, on the same open device, and both files play to their end.
    @Test func anUnderrunIsRecoveredInTheStreamAndBothFilesPlayToTheEnd() throws {
        let first = try a.sox("first.wav", ["synth", "2", "sine", "440", "vol", "0.3"])
        let second = try a.sox("second.wav", ["synth", "2", "sine", "660", "vol", "0.3"])
        try withJack {
            let player = Player(device: "plug:jack", cache: nil)
            defer { player.close() }
            let events = EventLog()
            let began = MonotonicInstant.now()
            let (results, inTime) = Self.play(player, [PlayItem(url: first, gainDB: 0), PlayItem(url: second, gainDB: 0)],
                                              limit: 60) {
                events.add($0)
                if case .willStart(1, _) = $0 { usleep(1_500_000) }
            }
            // A stream left stopped after the underrun would never drain: given up after 60 s, not hanging the suite.
            #expect(inTime, "the stream did not play out after the underrun")
            let took = MonotonicInstant.now().seconds(since: began)
            #expect(results.map(\.outcome) == [.finished, .finished])
            #expect(results.map { ($0.playedSeconds * 1000).rounded() } == [2000, 2000])
            #expect(!events.events.contains { if case .deviceLost = $0 { true } else { false } })
            // Real time: 4 s of audio and at least the 0.5 s the device stood dry. (Usually 4.5 s; JACK's dummy
            // backend has no real-time priority here and runs slow when the machine is busy: 6–20 s under a parallel
            // suite, hence no ceiling.)
            #expect(took > 4.4, "took \(took) s")
        }
    }

    /// The sound server dies under the player (SIGKILL: no error reaches ALSA, the device just stops taking audio,
    /// as a hung USB card does) and comes back 1.5 s later. The player must notice within its stall limit, report the
    /// device lost, reopen it once it is back, and play the file to its end instead of waiting forever.
    @Test func aDeviceThatStopsPlayingIsReopenedAndTheFilePlaysOn() throws {
        let file = try a.sox("six.wav", ["synth", "6", "sine", "440", "vol", "0.3"])
        let server = try Self.startJack()
        let player = Player(device: "plug:jack", cache: nil)
        defer { player.close() }
        let events = EventLog()
        let began = MonotonicInstant.now()
        let result = Mutex<(results: [ItemResult], inTime: Bool)?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let r = Self.play(player, [PlayItem(url: file, gainDB: 0)], limit: 60) { events.add($0) }
            result.withLock { $0 = r }
            finished.signal()
        }
        usleep(1_500_000)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        usleep(1_500_000)
        let back = try Self.startJack()
        defer { back.terminate(); back.waitUntilExit() }
        finished.wait()
        let took = MonotonicInstant.now().seconds(since: began)
        let (results, inTime) = try #require(result.withLock { $0 })
        #expect(inTime, "the player waited on a device that had stopped")
        #expect(results.map(\.outcome) == [.finished])
        let lost = events.events.compactMap { e -> AudioError? in if case .deviceLost(let err) = e { err } else { nil } }
        #expect(lost.first?.libraryMessage.contains("stopped playing") == true, "\(lost)")
        #expect(events.events.contains { if case .deviceBack = $0 { true } else { false } })
        #expect(took > 6, "took \(took) s")
    }
}
