import LoaCore
import Foundation
import LoaAudio
import LoaPlan

/// LoaAudio's espeak-ng renderer as LoaPlan's text-to-speech hook: plan loading renders each `text:` message
/// (so the scheduler knows its length) and the message's `Media` names the rendered, content-addressed WAV,
/// which is what airs and what the log's `audio` / `audio_sha256` record.
public struct EspeakSpeechHook: SpeechRenderer {
    public let renderer: EspeakRenderer
    public init(renderer: EspeakRenderer = EspeakRenderer()) { self.renderer = renderer }

    /// Throws `SpeechError`, whose text names the voice or fault; the resolver adds the message id and position.
    public func render(_ bulletin: TextBulletin, messageID: String) throws -> URL {
        try renderer.render(SpeechRequest(bulletin)).url
    }
}

extension SpeechRequest {
    public init(_ bulletin: TextBulletin) {
        self.init(text: bulletin.text, voice: bulletin.voice, speed: bulletin.speed,
                  repeatCount: bulletin.repeatCount, pauseSeconds: bulletin.pauseSeconds)
    }
}
