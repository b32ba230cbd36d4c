import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU and monotonic clocks, for measuring: on a shared machine wall time also counts other people's work.
public enum ProcessClocks {
    /// CPU seconds of this process, all threads.
    public static func processCPUSeconds() -> Double { read(CLOCK_PROCESS_CPUTIME_ID) }
    /// CPU seconds of the calling thread.
    public static func threadCPUSeconds() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }
    /// CLOCK_MONOTONIC in seconds.
    public static func monotonicSeconds() -> Double { read(CLOCK_MONOTONIC) }

    private static func read(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A program run to completion, and what it cost.
public struct ChildUsage: Sendable {
    public var user, sys, wall, maxRSSMB: Double
    public var status: Int32
    public var cpu: Double { user + sys }
}

public enum ChildProcess {
    /// Runs `path` with `args` and the given environment to completion; its own CPU time and peak RSS. Peak RSS is
    /// sampled from /proc/PID/status VmHWM while it runs: wait4's ru_maxrss would include a large parent, whose
    /// memory the spawned child starts from.
    public static func run(_ path: String, _ args: [String], environment: [String],
                           discardingOutput: Bool = false) throws(SystemError) -> ChildUsage {
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if discardingOutput { posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) }
        var pid: pid_t = 0
        let w0 = ProcessClocks.monotonicSeconds()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw SystemError(.open, subject: path, code: rc) }
        var status: Int32 = 0
        var usage = rusage()
        var hwmKB = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ").dropFirst().first ?? "") {
                hwmKB = max(hwmKB, kb)
            }
            let done = wait4(pid, &status, WNOHANG, &usage)
            if done == pid || (done < 0 && errno != EINTR) { break }
            usleep(20_000)
        }
        let wall = ProcessClocks.monotonicSeconds() - w0
        func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return ChildUsage(user: secs(usage.ru_utime), sys: secs(usage.ru_stime), wall: wall,
                          maxRSSMB: Double(hwmKB) / 1024, status: status)
    }
}
