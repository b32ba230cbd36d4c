import Foundation
import LoaCore
import LoaL10n
import LoaPlan
import LoaSchedule
import LoaSystem

// Writing the schedule's files lives here, not in LoaSchedule: the scheduler and its text forms stay pure.

/// A schedule file or folder that could not be written.
public struct ScheduleWriteError: LoaError {
    public enum Kind: String, Sendable, Hashable { case cannotWrite }
    public var kind: Kind { .cannotWrite }
    public var subject: String { path }
    public var path: String
    /// The system's own words (`File too large`, `Permission denied`).
    public var underlying: String
    public var localized: Localized {
        Localized(vi: "không ghi được \(path): \(underlying)", en: "cannot write \(path): \(underlying)")
    }
    init(path: String, underlying: String) { self.path = path; self.underlying = underlying }
    init(_ error: SystemError) { self.init(path: error.subject, underlying: error.systemMessage) }
}

public enum ScheduleWriter {
    /// Writes `schedule.jsonl`, `shortfalls.jsonl` and (unless `playlists` is false) `playlists/STATION/DATE.m3u8`.
    /// Stations are encoded in parallel in batches and written in order, so memory stays bounded.
    public static func write(_ result: ScheduleResult, plan: Plan, to dir: URL, playlists: Bool = true) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ScheduleWriteError(path: dir.path, underlying: "\(error.localizedDescription)")
        }
        if playlists { try copySpeech(plan, to: dir) }
        let schedulePath = dir.appendingPathComponent("schedule.jsonl").path
        let shortPath = dir.appendingPathComponent("shortfalls.jsonl").path
        let schedule: OutputFile, shorts: OutputFile
        do {
            schedule = try OutputFile(path: schedulePath)
            shorts = try OutputFile(path: shortPath)
        } catch { throw ScheduleWriteError(error) }
        let stations = result.stations
        let batch = 32
        var start = 0
        while start < stations.count {
            let end = min(stations.count, start + batch)
            let texts = TextBox(count: end - start)
            let first = start
            DispatchQueue.concurrentPerform(iterations: end - first) { k in
                let st = stations[first + k]
                var lines = TextBuffer(capacity: st.occurrences.count * 600)
                for o in st.occurrences { lines.put(line: o); lines.put(byte: 0x0A) }
                var shortLines = TextBuffer()
                for f in st.shortfalls { shortLines.put(line: f); shortLines.put(byte: 0x0A) }
                var failure: ScheduleWriteError?
                if playlists { failure = writePlaylists(st, plan: plan, dir: dir) }
                texts.set(k, (lines.bytes, shortLines.bytes, failure))
            }
            for (lines, shortLines, failure) in texts.values {
                if let failure { throw failure }
                do {
                    try schedule.write(lines)
                    try shorts.write(shortLines)
                } catch { throw ScheduleWriteError(error) }
            }
            start = end
        }
        do {
            try schedule.close()
            try shorts.close()
        } catch { throw ScheduleWriteError(error) }
    }

    /// Speech renderings live in this machine's speech cache: the playlists name copies kept beside them, in
    /// `speech/SHA256.EXT`, so the output folder is whole and the same on every machine.
    private static func copySpeech(_ plan: Plan, to dir: URL) throws {
        let speech = plan.messages.compactMap(\.media).filter { $0.isSpeech && $0.url != nil }
        guard !speech.isEmpty else { return }
        let fm = FileManager.default
        let folder = dir.appendingPathComponent("speech", isDirectory: true)
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ScheduleWriteError(path: folder.path, underlying: error.localizedDescription)
        }
        for media in speech {
            let copy = dir.appendingPathComponent(media.path, isDirectory: false)
            guard !fm.fileExists(atPath: copy.path), let url = media.url else { continue }
            do { try fm.copyItem(at: url, to: copy) } catch {
                throw ScheduleWriteError(path: copy.path, underlying: error.localizedDescription)
            }
        }
    }

    /// `target` (absolute) as seen from the folder `from` (absolute): `../../audio/x.flac`.
    static func relativePath(from folder: String, to target: String) -> String {
        let a = folder.split(separator: "/"), b = target.split(separator: "/")
        var common = 0
        while common < a.count, common < b.count - 1, a[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)).joined(separator: "/")
    }

    private static func writePlaylists(_ st: StationSchedule, plan: Plan, dir: URL) -> ScheduleWriteError? {
        let folder = dir.appendingPathComponent("playlists").appendingPathComponent(st.station)
        let here = folder.standardizedFileURL.path
        // Relative to the playlist: the output folder moves (or is copied to a station box) with what it names.
        // Worked out once per file and station: a station's playlists name the same few files thousands of times.
        var known: [String: String] = [:]
        let location = { (media: Media) -> String in
            if let line = known[media.path] { return line }
            let line: String
            if media.isSpeech {
                line = "../../" + media.path
            } else if let url = media.url {
                line = relativePath(from: here, to: url.standardizedFileURL.path)
            } else {
                line = media.path
            }
            known[media.path] = line
            return line
        }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            return ScheduleWriteError(path: folder.path, underlying: error.localizedDescription)
        }
        var i = 0
        let occ = st.occurrences
        while i < occ.count {
            var j = i
            while j < occ.count, occ[j].date == occ[i].date { j += 1 }
            let text = M3U.playlist(station: st.station, date: occ[i].date, occurrences: Array(occ[i..<j]), plan: plan,
                                    location: location)
            // A string path: URL.appendingPathComponent stats the file to decide whether it is a folder.
            let path = folder.path + "/\(occ[i].date).m3u8"
            // A plain write, no fsync per file: playlists are derived (made again from the plan at will), and
            // Foundation's `Data.write` synced each one (29,712 fsyncs for a city's nine months).
            do throws(SystemError) {
                let file = try OutputFile(path: path)
                try file.write(Array(text.utf8))
                try file.close()
            } catch { return ScheduleWriteError(error) }
            i = j
        }
        return nil
    }
}

/// Batch results from worker threads; each index is written once.
final class TextBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [([UInt8], [UInt8], ScheduleWriteError?)]
    init(count: Int) { items = Array(repeating: ([], [], nil), count: count) }
    func set(_ i: Int, _ v: ([UInt8], [UInt8], ScheduleWriteError?)) { lock.lock(); items[i] = v; lock.unlock() }
    var values: [([UInt8], [UInt8], ScheduleWriteError?)] { lock.lock(); defer { lock.unlock() }; return items }
}
