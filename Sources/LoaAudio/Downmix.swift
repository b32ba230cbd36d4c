import Foundation

extension LoudnessAnalyzer {
    /// Loudness of a stereo file as a mono device airs it: the mean of both channels, measured as one channel.
    /// BS.1770 sums the two channels' power, so the down-mix of a stereo programme measures 3 dB (identical
    /// channels) to 6 dB (unrelated ones) under the file: leveling from the file's figure airs it that much quiet.
    public static func measureDownmix(_ url: URL) throws(AudioError) -> Loudness {
        let file = try SoundFile(readingFrom: url)
        try ItemStream.checkSupported(file)
        guard file.channels == 2 else { return try measure(file).loudness }
        let meter = try LoudnessMeter(channels: 1, sampleRate: file.sampleRate, subject: file.path)
        var buffer: [Float] = [], mono: [Float] = []
        var total = 0
        while true {
            let got = try file.read(into: &buffer, frameCount: 65_536)
            if got == 0 { break }
            total += got
            if mono.count < got { mono = [Float](repeating: 0, count: got) }
            for i in 0..<got { mono[i] = (buffer[2 * i] + buffer[2 * i + 1]) * 0.5 }
            try mono.withUnsafeBufferPointer { (p) throws(AudioError) in try meter.add(p.baseAddress!, frames: got) }
        }
        if total == 0 { throw AudioError(.emptyAudio, subject: file.path) }
        return try meter.result()
    }
}
