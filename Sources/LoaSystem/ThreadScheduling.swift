import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread's scheduling class, as `pthread_getschedparam` tells it.
public struct ThreadScheduling: Sendable, Hashable, CustomStringConvertible {
    public enum Policy: String, Sendable, Hashable { case normal, fifo, roundRobin = "rr", other }
    public var policy: Policy
    /// 1–99 for `fifo`/`rr`, 0 otherwise.
    public var priority: Int32
    public init(policy: Policy, priority: Int32) { self.policy = policy; self.priority = priority }

    public var isRealtime: Bool { policy == .fifo || policy == .roundRobin }
    public var description: String { isRealtime ? "SCHED_\(policy.rawValue.uppercased()) \(priority)" : "SCHED_OTHER" }

    /// The calling thread's class now, as the kernel has it (on Linux, pid 0 is the calling thread). Not
    /// `pthread_getschedparam`: glibc answers that from a copy it made when the thread was created, which says "real
    /// time" for a thread the kernel started at normal priority (SCHED_RESET_ON_FORK).
    public static func current() -> ThreadScheduling {
        let policy = sched_getscheduler(0)
        var param = sched_param()
        guard policy >= 0, sched_getparam(0, &param) == 0 else { return .init(policy: .other, priority: 0) }
        return .init(policy: Policy(code: policy), priority: param.sched_priority)
    }

    /// Puts the calling thread in this class. A real-time request the system refuses (EPERM without CAP_SYS_NICE
    /// or with `RLIMIT_RTPRIO` below `priority`) throws and leaves the thread as it was.
    public static func set(_ scheduling: ThreadScheduling, thread name: String) throws(SystemError) {
        var param = sched_param()
        param.sched_priority = scheduling.isRealtime ? scheduling.priority : 0
        // SCHED_RESET_ON_FORK: threads this one creates (a GCD worker spawned by an `async` from it, a helper thread)
        // start at normal priority instead of inheriting real time, which would let decoding or HTTP work run above
        // everything else on the box.
        let code = scheduling.isRealtime ? scheduling.policy.code | resetOnFork : scheduling.policy.code
        let rc = pthread_setschedparam(pthread_self(), code, &param)
        if rc != 0 { throw SystemError(.scheduling, subject: name, code: rc) }
    }

    /// The kernel's id of the calling thread (its `/proc/self/task/TID`), read from `/proc/thread-self`; 0 when
    /// that cannot be read (`gettid` is not in Glibc's module map, and variadic `syscall` is unavailable to Swift).
    public static func threadID() -> Int32 {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        return link.split(separator: "/").last.flatMap { Int32($0) } ?? 0
    }

    /// The policy line of `/proc/self/task/TID/sched` as the kernel reports it (1 FIFO, 2 RR, 0 normal); nil when
    /// the file cannot be read. Lets a check look at the thread from outside it.
    public static func kernelPolicy(ofThread tid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(tid)/sched", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("policy") {
            return line.split(separator: ":").last.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }
}

/// `SCHED_RESET_ON_FORK` from linux/sched.h, which Glibc's module does not export.
private let resetOnFork: Int32 = 0x4000_0000

extension ThreadScheduling.Policy {
    init(code: Int32) {
        switch code & ~resetOnFork {
        case SCHED_OTHER: self = .normal
        case SCHED_FIFO: self = .fifo
        case SCHED_RR: self = .roundRobin
        default: self = .other
        }
    }
    var code: Int32 {
        switch self {
        case .fifo: SCHED_FIFO
        case .roundRobin: SCHED_RR
        case .normal, .other: SCHED_OTHER
        }
    }
}
