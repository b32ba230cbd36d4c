/// UTF-8 text built byte by byte, for the files Loa writes in fixed forms (the schedule, the log's timestamps):
/// the output is exact (key order, number form) and fast.
public struct TextBuffer: Sendable {
    public var bytes: [UInt8] = []
    public init() {}
    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func put(byte: UInt8) { bytes.append(byte) }

    public mutating func put(int n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var v = n.magnitude
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        var p: UInt = 1
        while p <= v / 10 { p *= 10 }
        while p > 0 { bytes.append(UInt8(ascii: "0") + UInt8(v / p)); v %= p; p /= 10 }
    }

    public mutating func put(padded n: Int, width: Int) {
        var p = 10
        for _ in 1..<width { if n < p { bytes.append(UInt8(ascii: "0")) }; p *= 10 }
        put(int: n)
    }

    /// Seconds rounded to milliseconds in the shortest form: 95.0 → `95`, 8.2 → `8.2`, 0.0005 → `0.001`.
    public mutating func put(seconds x: Double) {
        guard x.isFinite, abs(x) < 9e12 else { bytes.append(UInt8(ascii: "0")); return }
        let ms = Int((x * 1000).rounded())
        if ms < 0 { bytes.append(UInt8(ascii: "-")) }
        let m = abs(ms)
        put(int: m / 1000)
        var frac = m % 1000
        guard frac != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 3
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        put(padded: frac, width: width)
    }

    /// A JSON string.
    public mutating func put(quoted s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Ids and paths rarely need escaping: copy them whole.
        let plain = s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard !buf.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            bytes.append(contentsOf: buf)
            return true
        }
        if plain == true { bytes.append(UInt8(ascii: "\"")); return }
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
                bytes.append(hex[Int(byte >> 4)]); bytes.append(hex[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `YYYY-MM-DD`.
    public mutating func put(date d: CivilDate) {
        put(padded: d.year, width: 4); bytes.append(UInt8(ascii: "-"))
        put(padded: d.month, width: 2); bytes.append(UInt8(ascii: "-"))
        put(padded: d.day, width: 2)
    }
}

extension TextBuffer {
    /// `95`, `8.2`: seconds as every file Loa writes shows them.
    public static func seconds(_ x: Double) -> String { make { $0.put(seconds: x) } }
    /// A JSON string literal.
    public static func quoted(_ s: String) -> String { make { $0.put(quoted: s) } }

    private static func make(_ fill: (inout TextBuffer) -> Void) -> String {
        var text = TextBuffer()
        fill(&text)
        return text.string
    }
}

/// Seconds as the airing log keeps them: rounded to milliseconds, written with exactly three decimals.
public enum Seconds {
    /// Seconds rounded to milliseconds: what the log stores.
    public static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 1000).rounded() / 1000
    }

    /// Exactly three decimals (`95.000`), computed on integers so no locale or formatter is involved.
    public static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 9e15 / 1000 else { return "invalid" }
        let millis = Int64((value * 1000).rounded())
        let sign = millis < 0 ? "-" : ""
        let m = millis.magnitude
        let frac = String(m % 1000)
        return sign + String(m / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}
