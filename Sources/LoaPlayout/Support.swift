import Foundation
import LoaPlan

/// A value shared between the engine thread, the player's callback thread, signal handlers and the control socket.
/// A plain lock suffices: every critical section is a few field updates.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    @discardableResult
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
    public var current: Value { withLock { $0 } }
}

/// CLOCK_MONOTONIC in nanoseconds: the timebase of the audio engine's timed start (contract D).
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// RFC 3339 timestamps with milliseconds and the zone's offset, the form SPEC §3 fixes for `at` and `slot_start`.
public enum Timestamp {
    public static func rfc3339(_ date: Date, timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        // Round to whole milliseconds first so 59.9996 s never prints as "60.000".
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        let local = Int64(ms) + Int64(offset) * 1000
        let dayMs: Int64 = 86_400_000
        var days = local / dayMs
        var rem = local % dayMs
        if rem < 0 { rem += dayMs; days -= 1 }
        let civil = CivilDate(dayNumber: Int(days))
        let h = rem / 3_600_000, m = rem / 60_000 % 60, s = rem / 1000 % 60, milli = rem % 1000
        let sign = offset < 0 ? "-" : "+"
        let oh = abs(offset) / 3600, om = abs(offset) / 60 % 60
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))T\(pad(Int(h), 2)):\(pad(Int(m), 2)):"
            + "\(pad(Int(s), 2)).\(pad(Int(milli), 3))\(sign)\(pad(oh, 2)):\(pad(om, 2))"
    }

    /// Parses what `rfc3339` writes (and the same without milliseconds); nil otherwise.
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
