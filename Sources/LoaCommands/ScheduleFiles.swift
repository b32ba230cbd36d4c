import Foundation
import LoaL10n
import LoaPlan
import LoaSchedule
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

// Writing the schedule's files lives here, not in LoaSchedule: the scheduler and its text forms stay pure.

public struct ScheduleWriteError: Error, CustomStringConvertible {
    public var path: String
    public var underlying: String
    public var description: String { tr("không ghi được \(path): \(underlying)", "cannot write \(path): \(underlying)") }
}

public enum ScheduleWriter {
    /// Writes `schedule.jsonl`, `shortfalls.jsonl` and (unless `playlists` is false) `playlists/STATION/DATE.m3u8`.
    /// Stations are encoded in parallel in batches and written in order, so memory stays bounded.
    public static func write(_ result: ScheduleResult, plan: Plan, to dir: URL, playlists: Bool = true) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ScheduleWriteError(path: dir.path, underlying: "\(error.localizedDescription)")
        }
        let schedulePath = dir.appendingPathComponent("schedule.jsonl").path
        let shortPath = dir.appendingPathComponent("shortfalls.jsonl").path
        let schedule = try OutFile(path: schedulePath)
        let shorts = try OutFile(path: shortPath)
        let stations = result.stations
        let batch = 32
        var start = 0
        while start < stations.count {
            let end = min(stations.count, start + batch)
            let texts = TextBox(count: end - start)
            let first = start
            DispatchQueue.concurrentPerform(iterations: end - first) { k in
                let st = stations[first + k]
                var lines: [UInt8] = []
                lines.reserveCapacity(st.occurrences.count * 600)
                for o in st.occurrences { lines.putLine(o); lines.append(0x0A) }
                var shortLines: [UInt8] = []
                for f in st.shortfalls { shortLines.putLine(f); shortLines.append(0x0A) }
                var failure: ScheduleWriteError?
                if playlists { failure = writePlaylists(st, plan: plan, dir: dir) }
                texts.set(k, (lines, shortLines, failure))
            }
            for (lines, shortLines, failure) in texts.values {
                if let failure { throw failure }
                try schedule.write(lines)
                try shorts.write(shortLines)
            }
            start = end
        }
        try schedule.close()
        try shorts.close()
    }

    private static func writePlaylists(_ st: StationSchedule, plan: Plan, dir: URL) -> ScheduleWriteError? {
        let folder = dir.appendingPathComponent("playlists").appendingPathComponent(st.station)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            return ScheduleWriteError(path: folder.path, underlying: error.localizedDescription)
        }
        var i = 0
        let occ = st.occurrences
        while i < occ.count {
            var j = i
            while j < occ.count, occ[j].date == occ[i].date { j += 1 }
            let text = M3U.playlist(station: st.station, date: occ[i].date, occurrences: Array(occ[i..<j]), plan: plan)
            let url = folder.appendingPathComponent("\(occ[i].date).m3u8")
            do { try Data(text.utf8).write(to: url) } catch {
                return ScheduleWriteError(path: url.path, underlying: error.localizedDescription)
            }
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

/// A file written through a plain descriptor (FileHandle's throwing API differs across platforms).
final class OutFile {
    let path: String
    private var fd: Int32
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw ScheduleWriteError(path: path, underlying: String(cString: strerror(errno))) }
    }
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { buf in
            var done = 0
            while done < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ScheduleWriteError(path: path, underlying: String(cString: strerror(errno)))
                }
                done += n
            }
        }
    }
    func close() throws {
        guard fd >= 0 else { return }
        let r = systemClose(fd)
        fd = -1
        if r != 0 { throw ScheduleWriteError(path: path, underlying: String(cString: strerror(errno))) }
    }
    deinit { if fd >= 0 { _ = systemClose(fd) } }
}
