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

/// The text forms of SPEC §2, built byte by byte so the output is fixed (key order, number format) and fast.
public enum JSONL {
    /// Seconds rounded to milliseconds, shortest form: 95.0 → `95`, 8.2 → `8.2`, 0.0005 → `0.001`.
    public static func number(_ x: Double) -> String {
        var b: [UInt8] = []
        b.putNumber(x)
        return String(decoding: b, as: UTF8.self)
    }

    public static func quoted(_ s: String) -> String {
        var b: [UInt8] = []
        b.putQuoted(s)
        return String(decoding: b, as: UTF8.self)
    }

    /// `2026-06-01T06:00:00+07:00`: the instant shown in the zone the offset names.
    public static func timestamp(_ date: Date, utcOffsetSeconds offset: Int) -> String {
        var b: [UInt8] = []
        b.putTimestamp(date, offset: offset)
        return String(decoding: b, as: UTF8.self)
    }

    /// One line of `schedule.jsonl` (without the newline).
    public static func line(_ o: SlotOccurrence) -> String {
        var b: [UInt8] = []
        b.putLine(o)
        return String(decoding: b, as: UTF8.self)
    }

    /// One line of `shortfalls.jsonl` (without the newline). `code` and `reason_vi` extend SPEC §2.
    public static func line(_ f: Shortfall) -> String {
        var b: [UInt8] = []
        b.putLine(f)
        return String(decoding: b, as: UTF8.self)
    }
}

extension [UInt8] {
    mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func putInt(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var v = n.magnitude
        if v == 0 { append(UInt8(ascii: "0")); return }
        var p: UInt = 1
        while p <= v / 10 { p *= 10 }
        while p > 0 { append(UInt8(ascii: "0") + UInt8(v / p)); v %= p; p /= 10 }
    }

    mutating func putPadded(_ n: Int, width: Int) {
        var p = 10
        for _ in 1..<width { if n < p { append(UInt8(ascii: "0")) }; p *= 10 }
        putInt(n)
    }

    /// Milliseconds, no trailing zeros, no `.0`.
    mutating func putNumber(_ x: Double) {
        guard x.isFinite, abs(x) < 9e12 else { append(UInt8(ascii: "0")); return }
        let ms = Int((x * 1000).rounded())
        if ms < 0 { append(UInt8(ascii: "-")) }
        let m = abs(ms)
        putInt(m / 1000)
        var frac = m % 1000
        guard frac != 0 else { return }
        append(UInt8(ascii: "."))
        var width = 3
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        putPadded(frac, width: width)
    }

    mutating func putQuoted(_ s: String) {
        append(UInt8(ascii: "\""))
        // Ids and paths rarely need escaping: copy them whole.
        let plain = s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard !buf.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            append(contentsOf: buf)
            return true
        }
        if plain == true { append(UInt8(ascii: "\"")); return }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): put("\\\"")
            case UInt8(ascii: "\\"): put("\\\\")
            case 0x0A: put("\\n")
            case 0x0D: put("\\r")
            case 0x09: put("\\t")
            case 0..<0x20:
                put("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append(hex[Int(byte >> 4)]); append(hex[Int(byte & 15)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }

    mutating func putDate(_ d: CivilDate) {
        putPadded(d.year, width: 4); append(UInt8(ascii: "-"))
        putPadded(d.month, width: 2); append(UInt8(ascii: "-"))
        putPadded(d.day, width: 2)
    }

    mutating func putTimestamp(_ date: Date, offset: Int) {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = Int((Double(local) / 86_400).rounded(.down))
        let secs = local - day * 86_400
        putDate(CivilDate(dayNumber: day))
        append(UInt8(ascii: "T"))
        putPadded(secs / 3600, width: 2); append(UInt8(ascii: ":"))
        putPadded(secs / 60 % 60, width: 2); append(UInt8(ascii: ":"))
        putPadded(secs % 60, width: 2)
        append(UInt8(ascii: offset < 0 ? "-" : "+"))
        putPadded(abs(offset) / 3600, width: 2); append(UInt8(ascii: ":"))
        putPadded(abs(offset) / 60 % 60, width: 2)
    }

    mutating func putLine(_ o: SlotOccurrence) {
        put("{\"station\":"); putQuoted(o.station)
        put(",\"date\":\""); putDate(o.date)
        put("\",\"slot\":"); putQuoted(o.slot)
        put(",\"start\":\""); putTimestamp(o.start, offset: o.utcOffsetSeconds)
        put("\",\"length_s\":"); putInt(o.lengthSeconds)
        put(",\"used_s\":"); putNumber(o.usedSeconds)
        put(",\"items\":[")
        for (i, item) in o.items.enumerated() {
            if i > 0 { append(UInt8(ascii: ",")) }
            switch item.kind {
            case .intro: put("{\"kind\":\"intro\"")
            case .message: put("{\"kind\":\"message\"")
            case .outro: put("{\"kind\":\"outro\"")
            }
            if let m = item.message { put(",\"message\":"); putQuoted(m) }
            switch item.priority {
            case .normal?: put(",\"priority\":\"normal\"")
            case .priority?: put(",\"priority\":\"priority\"")
            case .emergency?: put(",\"priority\":\"emergency\"")
            case nil: break
            }
            put(",\"audio\":"); putQuoted(item.audio)
            put(",\"offset_s\":"); putNumber(item.offset)
            put(",\"duration_s\":"); putNumber(item.duration)
            append(UInt8(ascii: "}"))
        }
        put("]}")
    }

    mutating func putLine(_ f: Shortfall) {
        put("{\"message\":"); putQuoted(f.message)
        put(",\"station\":"); putQuoted(f.station)
        put(",\"period\":"); putQuoted(f.period)
        put(",\"from\":\""); putDate(f.from)
        put("\",\"to\":\""); putDate(f.to)
        put("\",\"required\":"); putInt(f.required)
        put(",\"scheduled\":"); putInt(f.scheduled)
        put(",\"reason\":"); putQuoted(f.reason)
        put(",\"code\":"); putQuoted(f.code)
        put(",\"reason_vi\":"); putQuoted(f.reasonVi)
        append(UInt8(ascii: "}"))
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
