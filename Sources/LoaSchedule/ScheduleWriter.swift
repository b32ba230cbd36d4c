import Foundation
import LoaL10n
import LoaPlan
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// The text forms of SPEC §2, built by hand so the bytes are fixed (key order, number format) and fast.
public enum JSONL {
    /// Seconds rounded to milliseconds, shortest form: 95.0 → `95`, 8.2 → `8.2`, 0.0005 → `0.001`.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let v = (x * 1000).rounded() / 1000
        if v == 0 { return "0" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }

    public static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `2026-06-01T06:00:00+07:00`: the instant shown in the zone the offset names.
    public static func timestamp(_ date: Date, utcOffsetSeconds offset: Int) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = Int((Double(local) / 86_400).rounded(.down))
        let secs = local - day * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let off = abs(offset)
        return "\(CivilDate(dayNumber: day))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))"
            + "\(sign)\(two(off / 3600)):\(two(off / 60 % 60))"
    }

    /// One line of `schedule.jsonl` (without the newline).
    public static func line(_ o: SlotOccurrence) -> String {
        var s = "{\"station\":\(quoted(o.station)),\"date\":\"\(o.date)\",\"slot\":\(quoted(o.slot)),"
        s += "\"start\":\"\(timestamp(o.start, utcOffsetSeconds: o.utcOffsetSeconds))\","
        s += "\"length_s\":\(o.lengthSeconds),\"used_s\":\(number(o.usedSeconds)),\"items\":["
        for (i, item) in o.items.enumerated() {
            if i > 0 { s += "," }
            s += "{\"kind\":\"\(item.kind.rawValue)\""
            if let m = item.message { s += ",\"message\":\(quoted(m))" }
            if let p = item.priority { s += ",\"priority\":\"\(p.name)\"" }
            s += ",\"audio\":\(quoted(item.audio)),\"offset_s\":\(number(item.offset))"
            s += ",\"duration_s\":\(number(item.duration))}"
        }
        return s + "]}"
    }

    /// One line of `shortfalls.jsonl` (without the newline). `code` and `reason_vi` extend SPEC §2.
    public static func line(_ f: Shortfall) -> String {
        "{\"message\":\(quoted(f.message)),\"station\":\(quoted(f.station)),\"period\":\(quoted(f.period)),"
            + "\"from\":\"\(f.from)\",\"to\":\"\(f.to)\",\"required\":\(f.required),\"scheduled\":\(f.scheduled),"
            + "\"reason\":\(quoted(f.reason)),\"code\":\(quoted(f.code)),\"reason_vi\":\(quoted(f.reasonVi))}"
    }
}

/// Extended M3U for one station and day: slot starts as comments, one `#EXTINF` per item, absolute paths.
public enum M3U {
    public static func playlist(station: String, date: CivilDate, occurrences: [SlotOccurrence], plan: Plan) -> String {
        var s = "#EXTM3U\n#PLAYLIST:\(station) \(date)\n"
        for o in occurrences {
            s += "# slot \(o.slot) \(JSONL.timestamp(o.start, utcOffsetSeconds: o.utcOffsetSeconds)) "
                + "length \(o.lengthSeconds) s, used \(JSONL.number(o.usedSeconds)) s\n"
            for item in o.items {
                let title: String
                switch item.kind {
                case .intro: title = "intro"
                case .outro: title = "outro"
                case .message:
                    let id = item.message ?? ""
                    title = plan.message(id).map { "\(id) - \($0.title)" } ?? id
                }
                s += "#EXTINF:\(JSONL.number(item.duration)),\(title.replacingOccurrences(of: "\n", with: " "))\n"
                s += absolutePath(item.audio, plan: plan) + "\n"
            }
        }
        return s
    }

    /// Absolute, so VLC and mpv find the file wherever the playlist folder is.
    static func absolutePath(_ path: String, plan: Plan) -> String {
        if path.hasPrefix("/") { return path }
        return plan.baseDirectory.appendingPathComponent(path).standardizedFileURL.path
    }
}

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
                var lines = ""
                for o in st.occurrences { lines += JSONL.line(o); lines += "\n" }
                var shortLines = ""
                for f in st.shortfalls { shortLines += JSONL.line(f); shortLines += "\n" }
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
    private var items: [(String, String, ScheduleWriteError?)]
    init(count: Int) { items = Array(repeating: ("", "", nil), count: count) }
    func set(_ i: Int, _ v: (String, String, ScheduleWriteError?)) { lock.lock(); items[i] = v; lock.unlock() }
    var values: [(String, String, ScheduleWriteError?)] { lock.lock(); defer { lock.unlock() }; return items }
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
    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { buf in
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
