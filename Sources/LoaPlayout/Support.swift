import Foundation
import LoaLog

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
    /// Contract C's form, so every row of the log reads the same whoever wrote it.
    public static func rfc3339(_ date: Date, timeZone: TimeZone) -> String {
        AiringLog.timestamp(date, timeZone: timeZone)
    }

    /// Parses what `rfc3339` writes (and the same without milliseconds); nil otherwise.
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
