import Foundation
import LoaAudio
import LoaCore
import LoaPlayout

/// The audio engine's stand-in for the web tests: "plays" each item for its known length times `pace` in real time,
/// so an item stays on air while a request arrives, and stops within a millisecond when asked. (The real `Player` over
/// ALSA is exercised by the process-level tests through `loa run`.)
final class PacedSink: PlayoutSink, @unchecked Sendable {
    let durations: [String: Double]
    let pace: Double
    private let stopRequested = Locked(false)
    /// While true every play fails as if the sound card were unplugged.
    let deviceGone = Locked(false)
    init(durations: [String: Double], pace: Double) { self.durations = durations; self.pace = pace }

    func play(_ items: [PlayItem], startingAt deadline: MonotonicInstant?,
              observer: @escaping @Sendable (PlayEvent) -> Void) -> [ItemResult] {
        stopRequested.withLock { $0 = false }
        if let at = deadline {
            let wait = at.nanoseconds - MonotonicInstant.now().nanoseconds
            if wait > 0 { usleep(UInt32(wait / 1000)) }
        }
        var results: [ItemResult] = [], stopped = false
        if deviceGone.current {
            let gone = AudioError(.deviceUnavailable, subject: "hw:0,0", libraryMessage: "No such device")
            return items.indices.map { i in
                let r = ItemResult(outcome: .failed(gone), playedSeconds: 0)
                observer(.ended(index: i, r))
                return r
            }
        }
        for (i, item) in items.enumerated() {
            if stopped {
                let r = ItemResult(outcome: .skipped, playedSeconds: 0)
                results.append(r); observer(.ended(index: i, r)); continue
            }
            let length = min(durations[item.url.lastPathComponent] ?? Self.length(of: item.url) ?? 1,
                             item.maxSeconds ?? .infinity)
            let started = MonotonicInstant.now()
            observer(.willStart(index: i, airsAt: started))
            var outcome = PlayOutcome.finished, played = length
            while MonotonicInstant.now().seconds(since: started) < length * pace {
                if stopRequested.current {
                    played = MonotonicInstant.now().seconds(since: started) / pace
                    outcome = .stopped; stopped = true
                    break
                }
                usleep(1000)
            }
            let r = ItemResult(outcome: outcome, playedSeconds: played, firstSampleAt: started)
            results.append(r); observer(.ended(index: i, r))
        }
        return results
    }

    /// A real audio file's length (an alert's audio), from its header.
    static func length(of url: URL) -> Double? {
        guard let file = try? SoundFile(readingFrom: url), file.sampleRate > 0 else { return nil }
        return Double(file.headerFrames) / Double(file.sampleRate)
    }

    func stop() { stopRequested.withLock { $0 = true } }
    func prepare(_ url: URL) throws(AudioError) {}
    func contentHash(of media: Media) throws(AudioError) -> String {
        guard let url = media.url, let data = try? Data(contentsOf: url) else {
            throw AudioError(.fileMissing, subject: media.path)
        }
        return "\(data.count)-\(url.lastPathComponent)"
    }
}
