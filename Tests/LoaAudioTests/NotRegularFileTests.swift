import Foundation
@testable import LoaAudio
import LoaTestSupport
import Testing

/// Audio is a regular file: `/dev/zero` never ends and a FIFO blocks its reader forever, so both are refused by name
/// before anything reads them (they used to spin a thread at 100 % or hang `loa play`, `loa audio analyze`, the
/// daemon's measuring thread and its SIGTERM).
@Suite struct NotRegularFileTests {
    @Test func devZeroAndAFifoAreRefusedAtOnce() throws {
        let fifo = TemporaryFolders.make("loa-fifo").appendingPathComponent("bulletin.wav")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for path in ["/dev/zero", fifo.path] {
            let started = Date()
            let open = #expect(throws: AudioError.self) { try SoundFile(readingFrom: URL(fileURLWithPath: path)) }
            #expect(open?.kind == .notAudio && open?.subject == path)
            #expect(open?.localized.en.contains("not a regular file") == true)
            let hash = #expect(throws: AudioError.self) { try ContentHash.sha256(of: URL(fileURLWithPath: path)) }
            #expect(hash?.kind == .notAudio)
            #expect(throws: AudioError.self) { try AudioProbe.info(of: URL(fileURLWithPath: path)) }
            #expect(Date().timeIntervalSince(started) < 2, "\(path) was read instead of refused")
        }
    }

    @Test func aSharedSpeechFolderIsNotTrusted() throws {
        let root = TemporaryFolders.make("loa-speech-trust")
        let open = root.appendingPathComponent("open"), closed = root.appendingPathComponent("closed")
        #expect(mkdir(open.path, 0o700) == 0 && chmod(open.path, 0o777) == 0)
        #expect(mkdir(closed.path, 0o700) == 0)
        #expect(!EspeakRenderer.isPrivate(open), "a world-writable folder: anyone could plant key files")
        #expect(EspeakRenderer.isPrivate(closed))
        let link = root.appendingPathComponent("link")
        #expect(symlink(closed.path, link.path) == 0)
        #expect(!EspeakRenderer.isPrivate(link), "a link may point anywhere")
    }
}
