import Foundation
import LoaL10n

extension EventLines {
    /// The rows of a push body: one JSON object a line; lines of only spaces, tabs or CR are skipped; keys in any
    /// order, unknown keys ignored, `null` or absence for an optional field, `rehearsal` absent meaning false.
    /// - Throws: `EventLineFault` naming the first line that is not a §3 row, and what is wrong with it.
    public static func decode(_ body: Data) throws -> [AiringEvent] {
        try body.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var rows: [AiringEvent] = []
            rows.reserveCapacity(bytes.count / 400)
            var start = 0, line = 0
            var scratch: [UInt8] = []
            while start < bytes.count {
                line += 1
                var end = start
                while end < bytes.count, bytes[end] != 10 { end += 1 }
                var parser = EventLineParser(bytes: bytes, start: start, end: end, line: line, scratch: scratch)
                if let row = try parser.row() { rows.append(row) }
                scratch = parser.scratch
                start = end + 1
            }
            return rows
        }
    }
}

/// Reads one line's JSON object by hand: no intermediate tree, no `Decoder`, strings made once.
struct EventLineParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let start: Int
    let end: Int
    let line: Int
    /// Reused for strings with escapes.
    var scratch: [UInt8]
    private var i: Int

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int, scratch: [UInt8]) {
        self.bytes = bytes; self.start = start; self.end = end; self.line = line; self.scratch = scratch; i = start
    }

    private static let keys: [[UInt8]] = ["seq", "at", "kind", "airing", "station", "plan", "message", "slot_start",
                                          "source", "audio", "audio_sha256", "planned_s", "played_s", "detail",
                                          "prev_hash", "hash", "rehearsal"].map { Array($0.utf8) }

    /// The line's row, or nil for a blank line.
    mutating func row() throws -> AiringEvent? {
        space()
        if i == end { return nil }
        try expect(UInt8(ascii: "{"))
        var texts = [String?](repeating: nil, count: Self.keys.count)
        var seq: Int64?, planned: Double?, played: Double?, rehearsal = false
        space()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard peek == UInt8(ascii: "\"") else { throw syntax(Localized(vi: "chờ tên trường", en: "a field name expected")) }
                let key = try keyIndex()
                space(); try expect(UInt8(ascii: ":")); space()
                switch key {
                case 0: seq = try isNull() ? nil : try integer(Self.name(0))
                case 11: planned = try isNull() ? nil : try number(Self.name(11))
                case 12: played = try isNull() ? nil : try number(Self.name(12))
                case 16: rehearsal = try isNull() ? false : try boolean(Self.name(16))
                case let k?: texts[k] = try isNull() ? nil : try string(Self.name(k))
                case nil: try skipValue(depth: 0)
                }
                space()
                if peek == UInt8(ascii: ",") { i += 1; space(); continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        space()
        guard i == end else { throw syntax(Localized(vi: "còn chữ sau đối tượng", en: "text after the object")) }
        func required(_ k: Int) throws -> String {
            guard let text = texts[k] else { throw missing(k) }
            return text
        }
        guard let seq else { throw missing(0) }
        let kindText = try required(2), sourceText = try required(8)
        guard let kind = EventKind(rawValue: kindText) else {
            throw fault(Localized(vi: "kind \"\(kindText)\" không phải loại sự kiện nào",
                                  en: "kind \"\(kindText)\" is not an event kind"))
        }
        guard let source = AiringSource(rawValue: sourceText) else {
            throw fault(Localized(vi: "source \"\(sourceText)\" không phải nguồn nào", en: "source \"\(sourceText)\" is not a source"))
        }
        return AiringEvent(seq: seq, at: try required(1), kind: kind, airing: try required(3), station: try required(4),
                           plan: try required(5), message: texts[6], slotStart: texts[7], source: source, audio: texts[9],
                           audioSHA256: texts[10], plannedSeconds: planned, playedSeconds: played, detail: texts[13],
                           prevHash: try required(14), hash: try required(15), rehearsal: rehearsal)
    }

    private static func name(_ k: Int) -> String { String(decoding: keys[k], as: UTF8.self) }

    // MARK: Values

    private var peek: UInt8? { i < end ? bytes[i] : nil }

    private mutating func space() {
        while i < end, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13 { i += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek == byte else {
            throw syntax(Localized(vi: "chờ '\(Character(UnicodeScalar(byte)))'", en: "'\(Character(UnicodeScalar(byte)))' expected"))
        }
        i += 1
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - i >= count else { return false }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { return false }
        i += count
        return true
    }

    private mutating func isNull() throws -> Bool { literal("null") }

    /// The index of the field name at `i` among `keys`, nil for another name.
    private mutating func keyIndex() throws -> Int? {
        let (from, to, plain, _) = try stringSpan()
        guard plain else {
            let name = try decodeEscaped(from: from, to: to)
            return Self.keys.firstIndex { $0.elementsEqual(name.utf8) }
        }
        let count = to - from
        return Self.keys.firstIndex { key in
            key.count == count && key.withUnsafeBufferPointer { sameBytes($0, UnsafeBufferPointer(rebasing: bytes[from..<to])) }
        }
    }

    private mutating func string(_ name: String) throws -> String {
        guard peek == UInt8(ascii: "\"") else { throw wrongType(name, Localized(vi: "chuỗi", en: "a string")) }
        let (from, to, plain, ascii) = try stringSpan()
        if plain, ascii { return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) }
        if plain {
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) else {
                throw fault(Localized(vi: "\(name) không phải UTF-8 hợp lệ", en: "\(name) is not valid UTF-8"))
            }
            return text
        }
        return try decodeEscaped(from: from, to: to)
    }

    /// Steps over a string at `i` (its opening quote); returns its content's bounds, whether it has no escapes and
    /// whether it is all ASCII (then it needs no UTF-8 check).
    private mutating func stringSpan() throws -> (Int, Int, Bool, Bool) {
        i += 1
        let from = i
        var plain = true, ascii = true
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { i += 1; return (from, i - 1, plain, ascii) }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") { plain = false; i += 2; continue }
            if byte < 0x20 { throw syntax(Localized(vi: "ký tự điều khiển trong chuỗi", en: "a control character in a string")) }
            i += 1
        }
        throw syntax(Localized(vi: "chuỗi không được đóng", en: "a string is not closed"))
    }

    private mutating func decodeEscaped(from: Int, to: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        var k = from
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= to else { throw syntax(Localized(vi: "\\u thiếu chữ số", en: "\\u lacks digits")) }
            var value: UInt32 = 0
            for p in at..<at + 4 {
                let c = bytes[p]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw syntax(Localized(vi: "\\u có chữ số sai", en: "\\u has a bad digit"))
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while k < to {
            let byte = bytes[k]
            guard byte == UInt8(ascii: "\\") else { scratch.append(byte); k += 1; continue }
            let escaped = bytes[k + 1]
            k += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "u"):
                var code = try hex4(k)
                k += 4
                if (0xD800..<0xDC00).contains(code), k + 6 <= to, bytes[k] == UInt8(ascii: "\\"),
                   bytes[k + 1] == UInt8(ascii: "u") {
                    let low = try hex4(k + 2)
                    if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00); k += 6 }
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw syntax(Localized(vi: "\\u là nửa cặp thay thế lẻ", en: "\\u is a lone surrogate"))
                }
                UTF8.encode(scalar) { scratch.append($0) }
            default: throw syntax(Localized(vi: "thoát chuỗi sai", en: "a bad escape in a string"))
            }
        }
        guard let text = String(validating: scratch, as: UTF8.self) else {
            throw syntax(Localized(vi: "chuỗi không phải UTF-8 hợp lệ", en: "a string is not valid UTF-8"))
        }
        return text
    }

    /// The bytes of a JSON number at `i` (not checked beyond the characters a number may hold).
    private mutating func numberSpan() -> UnsafeBufferPointer<UInt8> {
        let from = i
        while i < end {
            switch bytes[i] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"): i += 1
            default: return UnsafeBufferPointer(rebasing: bytes[from..<i])
            }
        }
        return UnsafeBufferPointer(rebasing: bytes[from..<i])
    }

    private mutating func integer(_ name: String) throws -> Int64 {
        let digits = numberSpan()
        let negative = digits.first == UInt8(ascii: "-")
        var k = negative ? 1 : 0, value: Int64 = 0
        guard k < digits.count else { throw wrongType(name, Localized(vi: "số nguyên", en: "a whole number")) }
        while k < digits.count {
            let c = digits[k]
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(c &- UInt8(ascii: "0")))
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c), !o1, !o2 else {
                throw wrongType(name, Localized(vi: "số nguyên", en: "a whole number"))
            }
            value = sum
            k += 1
        }
        return negative ? -value : value
    }

    private mutating func number(_ name: String) throws -> Double {
        let span = numberSpan()
        guard !span.isEmpty, let value = Double(String(decoding: span, as: UTF8.self)), value.isFinite else {
            throw wrongType(name, Localized(vi: "số", en: "a number"))
        }
        return value
    }

    private mutating func boolean(_ name: String) throws -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw wrongType(name, Localized(vi: "true hoặc false", en: "true or false"))
    }

    /// Steps over a value of a field the row does not have.
    private mutating func skipValue(depth: Int) throws {
        guard depth < 64 else { throw syntax(Localized(vi: "lồng quá sâu", en: "nested too deep")) }
        switch peek {
        case UInt8(ascii: "\"")?: _ = try stringSpan()
        case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
            let close = peek == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1; space()
            if peek == close { i += 1; return }
            while true {
                if close == UInt8(ascii: "}") {
                    guard peek == UInt8(ascii: "\"") else { throw syntax(Localized(vi: "chờ tên trường", en: "a field name expected")) }
                    _ = try stringSpan(); space(); try expect(UInt8(ascii: ":")); space()
                }
                try skipValue(depth: depth + 1)
                space()
                if peek == UInt8(ascii: ",") { i += 1; space(); continue }
                try expect(close)
                return
            }
        default:
            if literal("true") || literal("false") || literal("null") { return }
            guard !numberSpan().isEmpty else { throw syntax(Localized(vi: "chờ một giá trị", en: "a value expected")) }
        }
    }

    // MARK: Faults

    private func fault(_ reason: Localized) -> EventLineFault { EventLineFault(line: line, reason) }

    private func syntax(_ what: Localized) -> EventLineFault {
        let column = i - start + 1
        return fault(Localized(vi: "JSON sai ở ký tự \(column): \(what.vi)", en: "bad JSON at character \(column): \(what.en)"))
    }

    private func missing(_ k: Int) -> EventLineFault {
        fault(Localized(vi: "thiếu trường \"\(Self.name(k))\"", en: "field \"\(Self.name(k))\" is missing"))
    }

    private func wrongType(_ name: String, _ type: Localized) -> EventLineFault {
        fault(Localized(vi: "trường \"\(name)\" phải là \(type.vi)", en: "field \"\(name)\" must be \(type.en)"))
    }
}
