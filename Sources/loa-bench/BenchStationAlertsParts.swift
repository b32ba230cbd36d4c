import Foundation
import LoaAudio
import LoaLog
import LoaSync
import LoaTestSupport

/// Where a new alert's time goes at the stations, measured apart from the daemons (`loa-bench station-alerts`, after
/// the rounds): the fetch of the blob by every station at once from the same hub, and one station's local work on a
/// new MP3 (digest, open, quick estimate, first sample on the `null` device, which opens in no time).
enum BenchStationAlertsParts {
    /// Each of `tokens` fetches blob `sha` at the same instant, as the daemons do when an alert arrives; the digest
    /// is checked as `AlertAudioStore` does. Milliseconds from the common start to each one's last byte checked.
    static func concurrentFetch(base: String, tokens: [String], sha: String) async throws -> [Double] {
        let start = Date()
        return try await withThrowingTaskGroup(of: Double.self) { group in
            for token in tokens {
                group.addTask {
                    let bytes = try await HubClient(base: base, token: token).blob(sha)
                    guard sha256Hex(bytes) == sha else { throw TestSupportError("blob \(sha): digest differs") }
                    return Date().timeIntervalSince(start) * 1000
                }
            }
            var ms: [Double] = []
            for try await one in group { ms.append(one) }
            return ms.sorted()
        }
    }

    /// One station's local work on new audio it has just fetched, in milliseconds: the SHA-256 of the file, opening
    /// it with libsndfile (the scheduler's decode check), and a quick-start play on `null` from its call to its
    /// first sample (quick estimate of the first seconds, stream open, prefill).
    static func localWork(_ url: URL, dir: URL) throws -> (hash: Double, open: Double, firstSample: Double) {
        let t0 = MonotonicInstant.now()
        _ = try ContentHash.sha256(of: url)
        let t1 = MonotonicInstant.now()
        _ = try SoundFile(readingFrom: url)
        let t2 = MonotonicInstant.now()
        let player = Player(device: "null", cache: MediaInfoCache(directory: dir.appendingPathComponent("cache")))
        var item = PlayItem(url: url, maxSeconds: 0.2)
        item.quickStart = true
        let cue = MonotonicInstant.now()
        let result = player.play([item])
        guard let first = result.first?.firstSampleAt else { throw TestSupportError("\(url.path): no first sample on null") }
        return (t1.seconds(since: t0) * 1000, t2.seconds(since: t1) * 1000, first.seconds(since: cue) * 1000)
    }

    /// A 1-minute alert as a real one would come: MP3 at 128 kbit/s CBR (sox's default), 0.96 MB, a tone of `hz`
    /// over pink noise so the encoder has something to spend the bits on.
    static func alertMP3(_ dir: URL, _ name: String, hz: Int) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "48000", "-c", "2", "-C", "128", url.path, "synth", "60", "sine", String(hz),
                       "synth", "60", "pinknoise", "amod", "0.3", "vol", "0.3"]
        p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestSupportError("sox could not write \(url.path)") }
        return url
    }

    static func report(base: String, homes: [URL], audio: URL, dir: URL) async throws {
        let bytes = try Data(contentsOf: audio)
        let sha = sha256Hex(bytes)
        let tokens = try homes.map { try String(contentsOf: $0.appendingPathComponent("token"), encoding: .utf8) }
        let fetches = try await concurrentFetch(base: base, tokens: tokens, sha: sha)
        print(String(format: "station-alerts: parts: %d stations fetch the %.1f MB blob at once from the hub (digest "
                     + "checked): first %.0f ms, median %.0f ms, last %.0f ms", tokens.count,
                     Double(bytes.count) / 1_048_576, fetches.first ?? 0, fetches[fetches.count / 2], fetches.last ?? 0))
        let one = try await concurrentFetch(base: base, tokens: [tokens[0]], sha: sha)
        print(String(format: "station-alerts: parts: one station fetches it alone: %.0f ms", one[0]))
        let work = try localWork(audio, dir: dir)
        print(String(format: "station-alerts: parts: one station's local work on it: SHA-256 %.1f ms, open %.1f ms, "
                     + "quick-start play to first sample on null %.1f ms", work.hash, work.open, work.firstSample))
    }
}
