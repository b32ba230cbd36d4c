import Foundation

/// Reads an audio file's rate, channels and exact length.
public enum AudioProbe {
    /// Headers that state the length are trusted; otherwise (MP3 without a Xing/LAME header, some streams) the
    /// frames are counted by decoding, so the duration is the decoded length, as the plan's rules require.
    public static func info(of url: URL) throws(AudioError) -> AudioInfo {
        let file = try SoundFile(readingFrom: url)
        var frames = file.headerFrames
        if !headerLengthIsTrusted(file) {
            frames = try countFrames(file)
        }
        guard frames > 0 else { throw AudioError(.emptyAudio, subject: url.path) }
        return AudioInfo(frames: frames, sampleRate: file.sampleRate, channels: file.channels, format: file.format)
    }

    /// MP3 headers (even Xing/LAME) are not trusted, nor lengths that are missing or implausible.
    static func headerLengthIsTrusted(_ file: SoundFile) -> Bool {
        let frames = file.headerFrames
        return frames > 0 && frames < Int64(Int32.max) && file.format != "mp3"
    }

    private static func countFrames(_ file: SoundFile) throws(AudioError) -> Int64 {
        var buffer: [Float] = []
        var total: Int64 = 0
        while true {
            let got = try file.read(into: &buffer, frameCount: 65_536)
            if got == 0 { return total }
            total += Int64(got)
        }
    }
}
