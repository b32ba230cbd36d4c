#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on CLOCK_MONOTONIC in nanoseconds. Deadlines and reported airing times use it, because the wall clock
/// can jump (NTP, an operator fixing the date) while a broadcast is on air.
public struct MonotonicInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func now() -> MonotonicInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicInstant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public func adding(seconds: Double) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: nanoseconds + Int64((seconds * 1e9).rounded()))
    }

    /// Seconds from `other` to `self` (positive when `self` is later).
    public func seconds(since other: MonotonicInstant) -> Double {
        Double(nanoseconds - other.nanoseconds) / 1e9
    }

    public static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    public var description: String { "mono+\(Double(nanoseconds) / 1e9)s" }

    /// Sleeps until `self` on the monotonic clock. The last 2 ms are spun, because a sleeping thread on a busy
    /// machine wakes late by about a scheduler tick and the start of a broadcast should not.
    public func sleepUntil() {
        let spinFrom = nanoseconds - 2_000_000
        if MonotonicInstant.now().nanoseconds < spinFrom {
            var ts = timespec(tv_sec: Int(spinFrom / 1_000_000_000), tv_nsec: Int(spinFrom % 1_000_000_000))
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
        }
        while MonotonicInstant.now().nanoseconds < nanoseconds {}
    }
}
