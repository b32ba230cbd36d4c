import Foundation
import LoaPlan

/// The text forms of SPEC §2, built byte by byte so the output is fixed (key order, number format) and fast.
public enum JSONL {
    /// Seconds rounded to milliseconds, shortest form: 95.0 → `95`, 8.2 → `8.2`, 0.0005 → `0.001`.
    public static func number(_ x: Double) -> String { text { $0.putNumber(x) } }

    public static func quoted(_ s: String) -> String { text { $0.putQuoted(s) } }

    /// `2026-06-01T06:00:00+07:00`: the instant shown in the zone the offset names.
    public static func timestamp(_ date: Date, utcOffsetSeconds offset: Int) -> String {
        text { $0.putTimestamp(date, offset: offset) }
    }

    /// One line of `schedule.jsonl` (without the newline).
    public static func line(_ o: SlotOccurrence) -> String { text { $0.putLine(o) } }

    /// One line of `shortfalls.jsonl` (without the newline). `code` and `reason_vi` extend SPEC §2.
    public static func line(_ f: Shortfall) -> String { text { $0.putLine(f) } }

    private static func text(_ fill: (inout [UInt8]) -> Void) -> String {
        var b: [UInt8] = []
        fill(&b)
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

    public mutating func putLine(_ o: SlotOccurrence) {
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

    public mutating func putLine(_ f: Shortfall) {
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
