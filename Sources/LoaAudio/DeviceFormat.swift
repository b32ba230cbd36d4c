/// What the output device is opened with: signed 16-bit little-endian interleaved PCM at `sampleRate` with
/// `channels` (1 or 2). Every item is converted to it, so a sequence is one continuous stream.
public struct DeviceFormat: Sendable, Hashable {
    public var sampleRate: Int
    public var channels: Int
    /// Device buffer length. Long, because an underrun is heard on every loudspeaker in the commune while latency is
    /// not: the stream is prefilled before its deadline and stopped with snd_pcm_drop, which discards the buffer.
    public var bufferSeconds: Double
    /// Period length; also the longest a stop request waits, so it stays well under 100 ms.
    public var periodSeconds: Double

    public init(sampleRate: Int = 48_000, channels: Int = 2, bufferSeconds: Double = 1.0, periodSeconds: Double = 0.02) {
        self.sampleRate = sampleRate; self.channels = channels
        self.bufferSeconds = bufferSeconds; self.periodSeconds = periodSeconds
    }

    public static let `default` = DeviceFormat()

    /// Rates and channel counts Loa accepts from files and devices.
    public static let supportedRates = 8_000 ... 192_000
    public static let supportedChannels = 1 ... 2
}
