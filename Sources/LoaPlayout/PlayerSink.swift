import Foundation
import LoaAudio
import LoaLog

/// The production sink: LoaAudio's `Player` on an ALSA PCM (or recording into a WAV file).
public final class PlayerSink: PlayoutSink, Sendable {
    public let player: Player
    public let device: String

    public init(device: String, cache: MediaInfoCache? = MediaInfoCache()) {
        self.device = device
        player = Player(device: device, cache: cache)
    }

    public init(recordingTo url: URL, cache: MediaInfoCache? = MediaInfoCache()) {
        device = url.path
        player = Player(recordingTo: url, cache: cache)
    }

    public func play(_ items: [SinkItem], startingAt: UInt64?, observer: @escaping @Sendable (SinkEvent) -> Void)
        -> [SinkResult] {
        let playItems = items.map { PlayItem(url: $0.url, gainDB: $0.gainDB, maxSeconds: $0.maxSeconds) }
        let deadline = startingAt.map { MonotonicInstant(nanoseconds: Int64($0)) }
        let results = player.play(playItems, startingAt: deadline) { event in
            switch event {
            case .willStart(let index, let airsAt):
                observer(.willStart(index: index, airsAt: UInt64(max(0, airsAt.nanoseconds))))
            case .ended(let index, let result):
                observer(.ended(index: index, PlayerSink.convert(result)))
            case .deviceLost(let error):
                observer(.deviceLost(PlayerSink.failure(error)))
            case .deviceBack:
                observer(.deviceBack)
            }
        }
        return results.map(PlayerSink.convert)
    }

    public func stop() { player.stop() }

    public func contentHash(of url: URL) throws -> String { try ContentHash.sha256(of: url) }

    public func prepare(_ url: URL) { try? player.prepare(url) }

    static func convert(_ r: ItemResult) -> SinkResult {
        let outcome: SinkOutcome
        switch r.outcome {
        case .finished: outcome = .finished
        case .stopped: outcome = .stopped
        case .skipped: outcome = .skipped
        case .failed(let e): outcome = .failed(failure(e))
        }
        return SinkResult(outcome: outcome, playedSeconds: r.playedSeconds,
                          firstSampleAt: r.firstSampleAt.map { UInt64(max(0, $0.nanoseconds)) })
    }

    static func failure(_ e: AudioError) -> SinkFailure {
        switch e.kind {
        case .deviceUnavailable, .deviceFailed: SinkFailure(.device, e.description)
        default: SinkFailure(.media, e.description)
        }
    }
}

/// Contract C's log is the engine's recorder.
extension AiringLog: AiringRecorder {
    public func events(station: String) throws -> [AiringEvent] { try events(LogFilter(station: station)) }
}
