import Foundation
import LoaCore
import LoaLog

extension StationDaemon {
    /// The bulletin files the log names (`audio` of its emergency rows): what the spool must keep. Nil when the log
    /// is not a file or cannot be read (then nothing may be removed).
    public func emergencyAudioInLog() -> Set<String>? {
        guard let log = recorder as? AiringLog else { return nil }
        return try? log.audioNamed(source: .emergency)
    }
}
