import Foundation
import LoaAudio
import LoaTestSupport
import Testing
@testable import LoaCommands

/// `loa audio analyze` says when a file's peaks must be limited to reach the target.
@Suite struct AnalyzeLimitingTests {
    @Test func aPeakyFileIsSaidToBeLimited() throws {
        let dir = TemporaryFolders.make("loa-analyze")
        let url = dir.appendingPathComponent("peaky.wav")
        let writer = try SoundFileWriter(writingTo: url, encoding: .wav16, sampleRate: 48_000, channels: 1)
        var samples = [Float](repeating: 0, count: 48_000 * 5)
        for f in samples.indices { samples[f] = (f % 2 == 0 ? 0.02 : -0.02) + (f % 9_600 == 0 ? 0.5 : 0) }
        try samples.withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) }
        writer.close()
        let analysis = try MediaInfoCache(directory: dir).analysis(of: url)
        let note = try #require(AudioCommand.AnalyzeCommand.limitingNote(analysis))
        #expect(note.en.contains("limited by"), "\(note.en)")
        // A file that reaches the target under the ceiling gets no note.
        var calm = analysis
        calm.loudness = Loudness(integratedLUFS: -20, truePeakDBTP: -8)
        #expect(AudioCommand.AnalyzeCommand.limitingNote(calm) == nil)
    }
}
