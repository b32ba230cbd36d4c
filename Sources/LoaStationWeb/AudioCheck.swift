import Foundation
import LoaAudio

/// Whether an uploaded file decodes as audio (libsndfile through LoaAudio).
enum LoaAudioCheck {
    static func isAudio(_ url: URL) throws -> Bool { (try AudioProbe.info(of: url)).duration > 0 }
}
