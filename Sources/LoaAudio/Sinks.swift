import CAlsa
import Foundation

/// Where the player's s16 stream goes. Used from the playing thread only.
protocol AudioSink: AnyObject {
    var subject: String { get }
    /// Frames held ahead of what is heard; 0 for a sink that takes everything at once (a file).
    var bufferFrames: Int { get }
    /// True after an underrun or resume left the stream prepared: the player starts it again.
    var needsRestart: Bool { get }
    /// Called before each `play`: readies the stream to be prefilled.
    func prepare() throws(AudioError)
    /// Takes up to `frames` frames; returns how many (0 when full, after a short wait for room).
    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(AudioError) -> Int
    /// Starts output; returns when the first buffered frame began to play.
    func start() throws(AudioError) -> MonotonicInstant
    /// Frames written but not yet heard, and when that was so.
    func delay() -> (frames: Int, at: MonotonicInstant)
    /// Throws `.deviceFailed` if the device has stopped playing without saying so (see `AlsaPCM.stallSeconds`).
    func checkProgress() throws(AudioError)
    /// Ends this play: discards what is still buffered (stop) or lets the caller know all was heard.
    func endPlay()
    func close()
    /// Kept open once a play has been heard to its end (a recording stays one file); a device is closed instead,
    /// since a stream left open and dry is its driver's to fill (see `PlaySession.run`).
    var keptOpenBetweenPlays: Bool { get }
}

extension AudioSink {
    var keptOpenBetweenPlays: Bool { false }
}

final class AlsaSink: AudioSink {
    private let pcm: AlsaPCM
    /// The player's: a cut ends a wait for room at once.
    private let bell: StopBell?
    var subject: String { pcm.name }
    var bufferFrames: Int { pcm.bufferFrames }
    var needsRestart: Bool { pcm.needsRestart }

    init(device: String, format: DeviceFormat, bell: StopBell? = nil) throws(AudioError) {
        pcm = try AlsaPCM(name: device, format: format)
        self.bell = bell
    }

    func prepare() throws(AudioError) { try pcm.prepare() }
    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(AudioError) -> Int {
        try pcm.write(samples, frames: frames, bell: bell)
    }
    func start() throws(AudioError) -> MonotonicInstant { try pcm.start() }
    func delay() -> (frames: Int, at: MonotonicInstant) { pcm.delay() ?? (0, MonotonicInstant.now()) }
    func checkProgress() throws(AudioError) { try pcm.checkProgress() }
    func endPlay() { pcm.drop() }
    func close() { pcm.close() }
}

/// Writes what would air to a 16-bit WAV; everything written counts as heard at once. Stays open across plays so a
/// station's recording is one file; the header is brought up to date after every play.
final class WavFileSink: AudioSink {
    private let writer: SoundFileWriter
    var subject: String { writer.path }
    let bufferFrames = 0
    let needsRestart = false

    init(url: URL, format: DeviceFormat) throws(AudioError) {
        writer = try SoundFileWriter(writingTo: url, encoding: .wav16, sampleRate: format.sampleRate,
                                     channels: format.channels)
    }

    func prepare() {}
    func checkProgress() {}
    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(AudioError) -> Int {
        try writer.write(UnsafeBufferPointer(start: samples, count: frames * writer.channels))
        return frames
    }
    func start() -> MonotonicInstant { MonotonicInstant.now() }
    func delay() -> (frames: Int, at: MonotonicInstant) { (0, MonotonicInstant.now()) }
    func endPlay() { writer.updateHeader() }
    var keptOpenBetweenPlays: Bool { true }
    func close() { writer.close() }
}
