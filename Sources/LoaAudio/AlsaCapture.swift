import CAlsa
import Foundation
import LoaL10n
#if canImport(Glibc)
import Glibc
#endif

/// Reads an ALSA capture PCM (`alsa:hw:1,0`, a receiver on line-in) into a relay's `LiveFeed` until the feed
/// closes. A device that cannot be opened or fails while read is reopened with backoff; each fault is handed to
/// the feed ("device gone: …"), which logs it as the outage's reason if the gap is heard.
public final class CaptureReader: Sendable {
    public let device: String
    public let feed: LiveFeed
    public let format: DeviceFormat
    let backoff: [Double] = [0.5, 1, 2, 4]

    public init(device: String, feed: LiveFeed, format: DeviceFormat = DeviceFormat(sampleRate: 48_000, channels: 2)) {
        self.device = device; self.feed = feed; self.format = format
    }

    /// Blocks its thread until the feed is closed.
    public func run() {
        var attempt = 0
        while !feed.isClosed {
            do throws(AudioError) {
                try readOnce { attempt = 0 }
            } catch {
                feed.fault(Localized(vi: "mất thiết bị thu: \(error.localized.vi)", en: "device gone: \(error.localized.en)"))
            }
            if feed.isClosed { return }
            let wait = backoff[min(attempt, backoff.count - 1)]
            attempt += 1
            usleep(UInt32(wait * 1e6))
        }
    }

    private func readOnce(onData: () -> Void) throws(AudioError) {
        loa_alsa_silence_errors()
        var handle: OpaquePointer?
        var rc = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0)
        guard rc >= 0, let h = handle else { throw AlsaPCM.error(.deviceUnavailable, rc, device, "snd_pcm_open") }
        defer { snd_pcm_close(h) }
        rc = snd_pcm_set_params(h, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, UInt32(format.channels),
                                UInt32(format.sampleRate), 1, 500_000)
        if rc < 0 { throw AlsaPCM.error(.deviceUnavailable, rc, device, "snd_pcm_set_params") }
        let frames = 1024, ch = format.channels
        var raw = [Int16](repeating: 0, count: frames * ch)
        var samples = [Float](repeating: 0, count: frames * ch)
        while !feed.isClosed {
            let n = raw.withUnsafeMutableBufferPointer { snd_pcm_readi(h, $0.baseAddress, snd_pcm_uframes_t(frames)) }
            if n < 0 {
                // An overrun (the reader was late) loses a little and goes on; anything else is the device's fault.
                let again = snd_pcm_recover(h, Int32(n), 1)
                if again < 0 { throw AlsaPCM.error(.deviceFailed, Int32(n), device, "snd_pcm_readi") }
                continue
            }
            let count = Int(n) * ch
            for i in 0..<count { samples[i] = Float(raw[i]) / 32768 }
            feed.push(Array(samples[0..<count]), rate: format.sampleRate, channels: ch)
            feed.recovered()
            onData()
            // A device that does not keep time (null, a file) must not run ahead into memory.
            while feed.bufferedSeconds > 4 && !feed.isClosed { usleep(50_000) }
        }
    }
}
