import Foundation
import LoaL10n

/// The hub's event lines (SPEC §8 `POST /stations/ID/events`): one §3 row per line as a JSON object with the log's
/// column names, the same JSON `AiringEvent`'s `Codable` form gives (absent optional fields omitted). Written and
/// read by hand because a city's year is ~790,000 rows and Foundation's coder spent most of the push's CPU; any
/// JSON that decodes to the same rows is accepted, whatever its key order, spacing or escapes
/// (`EventLinesReader`).
public enum EventLines {
    /// The rows as JSON lines, each ended by `\n`.
    /// - Throws: `EventLineFault` for a number JSON cannot hold (infinite or NaN seconds).
    public static func encode(_ rows: [AiringEvent]) throws -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 480)
        for (index, row) in rows.enumerated() {
            out.append(UInt8(ascii: "{"))
            out.append(contentsOf: #""seq":"#.utf8)
            out.append(contentsOf: String(row.seq).utf8)
            field("at", row.at, &out)
            field("kind", row.kind.rawValue, &out)
            field("airing", row.airing, &out)
            field("station", row.station, &out)
            field("plan", row.plan, &out)
            field("message", row.message, &out)
            field("slot_start", row.slotStart, &out)
            field("source", row.source.rawValue, &out)
            field("audio", row.audio, &out)
            field("audio_sha256", row.audioSHA256, &out)
            try number("planned_s", row.plannedSeconds, line: index + 1, &out)
            try number("played_s", row.playedSeconds, line: index + 1, &out)
            field("detail", row.detail, &out)
            field("prev_hash", row.prevHash, &out)
            field("hash", row.hash, &out)
            key("rehearsal", &out)
            out.append(contentsOf: (row.rehearsal ? "true" : "false").utf8)
            out.append(contentsOf: "}\n".utf8)
        }
        return Data(out)
    }

    private static func key(_ name: String, _ out: inout [UInt8]) {
        out.append(contentsOf: ",\"".utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "\":".utf8)
    }

    private static func number(_ name: String, _ value: Double?, line: Int, _ out: inout [UInt8]) throws {
        guard let value else { return }
        guard value.isFinite else {
            throw EventLineFault(line: line, Localized(vi: "\(name) không phải một số hữu hạn", en: "\(name) is not a finite number"))
        }
        key(name, &out)
        out.append(contentsOf: value.description.utf8)
    }

    private static func field(_ name: String, _ value: String?, _ out: inout [UInt8]) {
        guard let value else { return }
        key(name, &out)
        quoted(value, &out)
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, … or `\u00XX`; the rest as UTF-8.
    static func quoted(_ text: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every text needs no escape: copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Why a line of a push is not a §3 row; `line` counts from 1.
public struct EventLineFault: Error, Sendable, Hashable {
    public let line: Int
    public let reason: Localized

    public init(line: Int, _ reason: Localized) { self.line = line; self.reason = reason }
}
