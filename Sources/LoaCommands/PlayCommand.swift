import ArgumentParser
import Foundation
import LoaAudio
import LoaL10n

/// `loa play FILE… [--device PCM]`: airs files now, back to back with no gap, each leveled to the target loudness.
public struct PlayCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play audio files now, back to back, leveled to the target loudness.")

    @Argument(help: "Audio files (WAV, FLAC, Ogg Vorbis, Opus, MP3).") var files: [String]
    @Option(help: "ALSA PCM name, e.g. default, hw:0,0, null, or file:'/tmp/out.wav',wav.") var device = "default"
    // `.unconditional`: every useful value is negative, and `-23` must not read as an option.
    @Option(name: .customLong("target-lufs"), parsing: .unconditional, help: "Target integrated loudness.")
    var targetLUFS = -16.0
    @Option(parsing: .unconditional, help: "Fixed gain in dB for every file instead of automatic leveling.")
    var gain: Double?
    @Option(help: "Output sample rate.") var rate = 48_000
    @Option(help: "Output channels (1 or 2).") var channels = 2

    public init() {}

    public func validate() throws {
        guard DeviceFormat.supportedChannels.contains(channels) else {
            throw ValidationError(tr("--channels phải là 1 hoặc 2", "--channels must be 1 or 2"))
        }
        guard DeviceFormat.supportedRates.contains(rate) else {
            throw ValidationError(tr("--rate phải trong khoảng 8000–192000", "--rate must be within 8000–192000"))
        }
    }

    public func run() throws {
        let cache = MediaInfoCache()
        let player = Player(device: device, format: DeviceFormat(sampleRate: rate, channels: channels),
                            loudness: LoudnessTarget(targetLUFS: targetLUFS), cache: cache)
        let urls = files.map { URL(fileURLWithPath: $0) }
        let interrupt = AudioCommandSupport.stopOnInterrupt(player)
        let files = self.files
        let results = player.play(urls.map { PlayItem(url: $0, gainDB: gain) }) { event in
            switch event {
            case .willStart(let i, _):
                AudioCommandSupport.out(tr("▶ \(files[i])", "▶ \(files[i])"))
            case .ended(let i, let r):
                AudioCommandSupport.report(file: files[i], r)
            case .deviceLost(let e):
                AudioCommandSupport.err(tr("mất thiết bị: \(e.localized.vi); đang thử mở lại…",
                                           "device lost: \(e.localized.en); retrying…"))
            case .deviceBack:
                AudioCommandSupport.err(tr("thiết bị đã trở lại", "device is back"))
            }
        }
        interrupt.cancel()
        player.close()
        cache.save()
        let failed = results.filter { if case .failed = $0.outcome { true } else { false } }.count
        let total = results.reduce(0) { $0 + $1.playedSeconds }
        AudioCommandSupport.out(tr("Đã phát \(AudioCommandSupport.clock(total)); \(failed) tệp lỗi.",
                                   "Played \(AudioCommandSupport.clock(total)); \(failed) file(s) failed."))
        if failed > 0 || results.contains(where: { $0.outcome == .skipped || $0.outcome == .stopped }) {
            throw ExitCode(1)
        }
    }
}

/// Printing shared by `play` and `audio`.
enum AudioCommandSupport {
    static func out(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }
    static func err(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    static func clock(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        return String(format: "%d:%02d.%03d", ms / 60_000, ms / 1000 % 60, ms % 1000)
    }

    static func report(file: String, _ r: ItemResult) {
        switch r.outcome {
        case .finished: out(tr("✓ \(file) (\(clock(r.playedSeconds)))", "✓ \(file) (\(clock(r.playedSeconds)))"))
        case .stopped: out(tr("■ \(file): dừng sau \(clock(r.playedSeconds))", "■ \(file): stopped after \(clock(r.playedSeconds))"))
        case .skipped: out(tr("– \(file): bỏ qua", "– \(file): skipped"))
        case .failed(let e): err(tr("✗ lỗi: \(e.localized.vi)", "✗ failed: \(e.localized.en)"))
        }
    }

    /// Ctrl-C stops the sound at once (the buffer is dropped) instead of killing the process mid-write.
    static func stopOnInterrupt(_ player: Player) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { player.stop() }
        source.resume()
        return source
    }
}
