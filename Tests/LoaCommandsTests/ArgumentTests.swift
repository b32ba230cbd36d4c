import Foundation
import LoaAudio
import LoaTestSupport
import Testing
@testable import LoaCommands

/// Options whose useful values are negative take them as separate arguments (`--target-lufs -23`).
@Suite struct ArgumentTests {
    @Test func negativeLoudnessAndGainAreValuesNotOptions() throws {
        let command = try Loa.parseAsRoot(["play", "a.wav", "--target-lufs", "-23", "--gain", "-3"])
        let play = try #require(command as? PlayCommand)
        #expect(play.targetLUFS == -23 && play.gain == -3)
        let joined = try #require(try Loa.parseAsRoot(["play", "a.wav", "--target-lufs=-18"]) as? PlayCommand)
        #expect(joined.targetLUFS == -18 && joined.gain == nil)
    }

    @Test func playAtMinus23AirsAtMinus23() throws {
        let dir = TemporaryFolders.make("loa-args")
        let tone = dir.appendingPathComponent("tone.wav")
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "48000", "-c", "2", "-b", "16", tone.path, "synth", "4", "pinknoise", "vol", "0.3"]
        try sox.run(); sox.waitUntilExit()
        let capture = dir.appendingPathComponent("out.wav")
        var command = try Loa.parseAsRoot(["play", tone.path, "--device", "file:'\(capture.path)',wav",
                                           "--target-lufs", "-23"])
        try command.run()
        let measured = try LoudnessAnalyzer.measure(capture)
        #expect(abs(measured.integratedLUFS + 23) < 1, "\(measured.integratedLUFS) LUFS")
    }
}
