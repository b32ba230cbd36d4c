#if canImport(Glibc)
import Glibc
#endif

/// Wakes the thread that writes to the device the moment a cut is asked for, instead of at the end of its current
/// wait for room (up to a period) or its nap between looks while the buffer drains: a pipe it polls beside the
/// device's own descriptors. The stop flag stays the truth; the bell only ends the wait.
final class StopBell: @unchecked Sendable {
    private var fds: [Int32] = [-1, -1]

    init() {
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        } else {
            fds = [-1, -1]   // no descriptors left: waits fall back to their timeouts
        }
    }

    deinit { for fd in fds where fd >= 0 { Glibc.close(fd) } }

    /// The end to poll for `POLLIN`; -1 when the pipe could not be made.
    var fd: Int32 { fds[0] }

    func ring() {
        var one: UInt8 = 1
        if fds[1] >= 0 { _ = Glibc.write(fds[1], &one, 1) }
    }

    /// Empties the pipe before a new play, so an old stop does not cut its waits short.
    func silence() {
        var sink = [UInt8](repeating: 0, count: 64)
        while fds[0] >= 0, Glibc.read(fds[0], &sink, sink.count) > 0 {}
    }

    /// Sleeps up to `milliseconds`, less if the bell rings.
    func wait(milliseconds: Int32) {
        guard fd >= 0 else { usleep(UInt32(max(0, milliseconds)) * 1000); return }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, milliseconds)
    }
}
