import Foundation
import LoaAudio
import LoaCore

/// The audio output the engine drives, in the audio engine's own terms (LoaAudio's `PlayItem`, `PlayEvent`,
/// `ItemResult`, `AudioError`, `MonotonicInstant`): LoaAudio's `Player` in production, a fake in the engine's tests.
public protocol PlayoutSink: Sendable {
    /// Plays `items` back to back as one stream, the first sample at `deadline` (nil: now); blocks until every item
    /// ended, or was skipped after `stop`.
    @discardableResult
    func play(_ items: [PlayItem], startingAt deadline: MonotonicInstant?,
              observer: @escaping @Sendable (PlayEvent) -> Void) -> [ItemResult]
    /// From any thread: cut within 100 ms; the current item ends `.stopped`, later ones `.skipped`.
    func stop()
    /// The SHA-256 the log records as `audio_sha256`: of the file as it is now, through the one content cache
    /// (a `stat` when unchanged since the plan loaded).
    func contentHash(of media: Media) throws(AudioError) -> String
    /// Does ahead of time what airing `url` needs before its first sample (measuring a file never aired), so the
    /// airing starts on its instant. Blocks the caller.
    func prepare(_ url: URL) throws(AudioError)
    /// Where device faults found between plays go (a standby device lost and back); a play reports its own.
    func observeStandby(_ observer: @escaping @Sendable (PlayEvent) -> Void)
    /// Opens the device and keeps it ready between items, if this sink stands by (LoaAudio's `Player(standby:)`).
    func standBy()
    /// Lets the device go (ends a standby); a later play opens it again.
    func close()
}

extension PlayoutSink {
    public func observeStandby(_ observer: @escaping @Sendable (PlayEvent) -> Void) {}
    public func standBy() {}
    public func close() {}
}

extension Player: PlayoutSink {
    public func contentHash(of media: Media) throws(AudioError) -> String {
        guard let url = media.url else { throw AudioError(.fileMissing, subject: media.path) }
        // The hash only: probing a new MP3 decodes all of it, which an emergency cannot wait for.
        if let cache { return try cache.sha256(of: url) }
        return try ContentHash.sha256(of: url)
    }
}

extension AudioError {
    /// The station's fault (no card, device gone), not the file's: the engine logs what it costs as `missed` and
    /// keeps retrying, while a file's fault fails that one item.
    public var isDeviceFault: Bool { kind == .deviceUnavailable || kind == .deviceFailed }
}
