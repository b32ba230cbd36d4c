import Foundation
import LoaCore
import LoaPlan

/// `shortfalls.jsonl`, one line per (message, station, period) owed more than was scheduled
/// (docs/reference/schedule-file.md); `schedule.jsonl` itself is LoaCore's `ScheduleFile`.
public enum ShortfallFile {
    /// One line (without the newline). `code` and `reason_vi` extend SPEC §2.
    public static func line(_ f: Shortfall) -> String {
        var text = TextBuffer()
        text.put(line: f)
        return text.string
    }
}

extension TextBuffer {
    public mutating func put(line f: Shortfall) {
        put("{\"message\":"); put(quoted: f.message)
        put(",\"station\":"); put(quoted: f.station)
        put(",\"period\":"); put(quoted: f.period)
        put(",\"from\":\""); put(date: f.from)
        put("\",\"to\":\""); put(date: f.to)
        put("\",\"required\":"); put(int: f.required)
        put(",\"scheduled\":"); put(int: f.scheduled)
        put(",\"reason\":"); put(quoted: f.reason)
        put(",\"code\":"); put(quoted: f.code)
        put(",\"reason_vi\":"); put(quoted: f.reasonVi)
        put(byte: UInt8(ascii: "}"))
    }
}

/// Extended M3U for one station and day: slot starts as comments, one `#EXTINF` per item, absolute paths (the
/// media's own location), so VLC and mpv find the files wherever the playlist folder is.
public enum M3U {
    /// `location` gives the line naming each item's file (default: where this machine keeps it); `loa schedule`
    /// passes paths relative to the playlist, so the output folder can be moved or copied to another machine.
    public static func playlist(station: String, date: CivilDate, occurrences: [SlotOccurrence], plan: Plan,
                                location: (Media) -> String = { $0.url?.path ?? $0.path }) -> String {
        var s = "#EXTM3U\n#PLAYLIST:\(station) \(date)\n"
        for o in occurrences {
            s += "# slot \(o.slot) \(Timestamp.format(o.start, utcOffsetSeconds: o.utcOffsetSeconds)) "
                + "length \(o.lengthSeconds) s, used \(TextBuffer.seconds(o.usedSeconds)) s\n"
            for item in o.items {
                let title: String
                switch item.kind {
                case .intro: title = "intro"
                case .outro: title = "outro"
                case .relay: title = "relay \(o.slot)"
                case .message:
                    let id = item.message ?? ""
                    title = plan.message(id).map { "\(id) - \($0.title)" } ?? id
                }
                // Foundation's replacing is slow per call (NSString bridging): only titles holding a newline pay it.
                let line = title.utf8.contains(10) ? title.replacingOccurrences(of: "\n", with: " ") : title
                s += "#EXTINF:\(TextBuffer.seconds(item.duration)),\(line)\n"
                // A relay's line is its stream (players open it) or its `alsa:` device, never a file.
                s += (item.kind == .relay ? item.media.path : location(item.media)) + "\n"
            }
        }
        return s
    }
}
