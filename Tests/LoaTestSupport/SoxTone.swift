import Foundation

/// Sine tones written by sox, for tests that need real audio of a known length.
public enum SoxTone {
    /// A `seconds`-long sine of `hz` at `rate` Hz, 16-bit, `channels` channels, written to `url`.
    @discardableResult
    public static func write(_ url: URL, seconds: Double, hz: Int = 330, rate: Int = 48_000, channels: Int = 2,
                             volume: Double = 0.3) throws -> URL {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "\(rate)", "-c", "\(channels)", "-b", "16", url.path, "synth", "\(seconds)", "sine",
                       "\(hz)", "vol", "\(volume)"]
        try p.run(); p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestSupportError("sox could not write \(url.path)") }
        return url
    }
}
