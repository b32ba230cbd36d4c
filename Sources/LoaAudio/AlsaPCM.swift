import CAlsa
#if canImport(Glibc)
import Glibc
#endif

/// One open ALSA playback PCM (s16, interleaved, non-blocking). Started explicitly: the start threshold is the
/// boundary, so ALSA never starts it on its own and the caller can prefill before a deadline.
final class AlsaPCM {
    let name: String
    let format: DeviceFormat
    private var pcm: OpaquePointer?
    private(set) var bufferFrames = 0
    private(set) var periodFrames = 0
    /// Set after an underrun or a resume: the stream is prepared again and must be restarted by the caller.
    private(set) var needsRestart = false
    private(set) var xruns = 0
    /// A running stream that plays nothing for this long has stalled: a device that stopped without an error (a
    /// hung USB card, a sound server gone away). It is then reported like a vanished one, so the player reopens it.
    let stallSeconds = 2.0
    /// Frames written since the stream was last prepared, and how many of them had been played when last looked at.
    private var framesWritten = 0
    /// Writes in a row that took nothing.
    private var emptyWrites = 0
    private var framesPlayed = -1
    private var progressAt = MonotonicInstant.now()

    private static let silenced: Void = { loa_alsa_silence_errors() }()

    init(name: String, format: DeviceFormat) throws(AudioError) {
        _ = AlsaPCM.silenced
        self.name = name
        self.format = format
        var handle: OpaquePointer?
        var rc = snd_pcm_open(&handle, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK)
        guard rc >= 0, let handle else { throw AlsaPCM.error(.deviceUnavailable, rc, name) }
        pcm = handle
        do throws(AudioError) {
            try configure(handle)
        } catch {
            snd_pcm_close(handle)
            pcm = nil
            throw error
        }
        rc = snd_pcm_prepare(handle)
        if rc < 0 { close(); throw AlsaPCM.error(.deviceUnavailable, rc, name) }
    }

    deinit { close() }

    static func error(_ kind: AudioError.Kind, _ rc: Int32, _ device: String, _ call: String = "") -> AudioError {
        AudioError(kind, subject: device, library: .alsa, code: rc,
                   libraryMessage: (call.isEmpty ? "" : call + ": ") + String(cString: snd_strerror(rc)))
    }

    private func check(_ rc: Int32, _ what: String) throws(AudioError) {
        if rc < 0 { throw AlsaPCM.error(.deviceUnavailable, rc, name, what) }
    }

    private func configure(_ h: OpaquePointer) throws(AudioError) {
        var hwp: OpaquePointer?
        try check(snd_pcm_hw_params_malloc(&hwp), "hw_params_malloc")
        defer { snd_pcm_hw_params_free(hwp) }
        try check(snd_pcm_hw_params_any(h, hwp), "hw_params_any")
        try check(snd_pcm_hw_params_set_access(h, hwp, SND_PCM_ACCESS_RW_INTERLEAVED), "set_access")
        try check(snd_pcm_hw_params_set_format(h, hwp, SND_PCM_FORMAT_S16_LE), "set_format S16_LE")
        try check(snd_pcm_hw_params_set_channels(h, hwp, UInt32(format.channels)), "set_channels \(format.channels)")
        try check(snd_pcm_hw_params_set_rate(h, hwp, UInt32(format.sampleRate), 0), "set_rate \(format.sampleRate)")
        var period = UInt32(format.periodSeconds * 1e6)
        var dir: Int32 = 0
        _ = snd_pcm_hw_params_set_period_time_near(h, hwp, &period, &dir)
        var buffer = UInt32(format.bufferSeconds * 1e6)
        _ = snd_pcm_hw_params_set_buffer_time_near(h, hwp, &buffer, &dir)
        try check(snd_pcm_hw_params(h, hwp), "hw_params")
        var frames: snd_pcm_uframes_t = 0
        snd_pcm_hw_params_get_buffer_size(hwp, &frames)
        bufferFrames = Int(frames)
        snd_pcm_hw_params_get_period_size(hwp, &frames, &dir)
        periodFrames = Int(frames)

        var swp: OpaquePointer?
        try check(snd_pcm_sw_params_malloc(&swp), "sw_params_malloc")
        defer { snd_pcm_sw_params_free(swp) }
        try check(snd_pcm_sw_params_current(h, swp), "sw_params_current")
        var boundary: snd_pcm_uframes_t = 0
        snd_pcm_sw_params_get_boundary(swp, &boundary)
        try check(snd_pcm_sw_params_set_start_threshold(h, swp, boundary), "set_start_threshold")
        try check(snd_pcm_sw_params_set_avail_min(h, swp, snd_pcm_uframes_t(periodFrames)), "set_avail_min")
        _ = snd_pcm_sw_params_set_tstamp_mode(h, swp, SND_PCM_TSTAMP_ENABLE)
        _ = snd_pcm_sw_params_set_tstamp_type(h, swp, SND_PCM_TSTAMP_TYPE_MONOTONIC)
        try check(snd_pcm_sw_params(h, swp), "sw_params")
    }

    /// Readies a stopped or fresh stream for prefilling.
    func prepare() throws(AudioError) {
        guard let h = pcm else { throw AlsaPCM.error(.deviceFailed, -EBADFD, name) }
        if snd_pcm_state(h) == SND_PCM_STATE_PREPARED { return }
        let rc = snd_pcm_prepare(h)
        if rc < 0 { throw AlsaPCM.error(.deviceFailed, rc, name, "snd_pcm_prepare") }
        needsRestart = false
        framesWritten = 0; framesPlayed = -1
    }

    /// Throws `.deviceFailed` when the stream runs but has played nothing for `stallSeconds`.
    func checkProgress() throws(AudioError) {
        guard let h = pcm else { return }
        let now = MonotonicInstant.now()
        guard snd_pcm_state(h) == SND_PCM_STATE_RUNNING else { progressAt = now; return }
        if let (frames, _) = delay(), framesWritten - frames != framesPlayed {
            framesPlayed = framesWritten - frames
            progressAt = now
        } else if now.seconds(since: progressAt) > stallSeconds {
            throw AudioError(.deviceFailed, subject: name, library: .alsa, code: -EIO,
                             libraryMessage: "the device stopped playing (nothing played for \(Int(stallSeconds)) s)")
        }
    }

    var isOpen: Bool { pcm != nil }

    var state: snd_pcm_state_t { pcm.map { snd_pcm_state($0) } ?? SND_PCM_STATE_DISCONNECTED }

    /// Writes up to `frames` frames; returns how many were taken (0 when the buffer is full, after waiting at most
    /// `waitMs` for room). Underruns and suspends are recovered here; a vanished device throws `.deviceFailed`.
    func write(_ samples: UnsafePointer<Int16>, frames: Int, waitMs: Int32 = 10, bell: StopBell? = nil)
        throws(AudioError) -> Int {
        guard let h = pcm else { throw AlsaPCM.error(.deviceFailed, -EBADFD, name) }
        let rc = snd_pcm_writei(h, samples, snd_pcm_uframes_t(frames))
        if rc > 0 { framesWritten += Int(rc); emptyWrites = 0; return Int(rc) }
        // The writer may run at real-time priority: a device that keeps saying "ready" yet takes nothing must not
        // make it spin, so after a few empty writes in a row each one sleeps a millisecond.
        emptyWrites += 1
        if emptyWrites > 3 { usleep(1_000) }
        if rc == 0 { return 0 }
        let err = Int32(rc)
        switch err {
        case -EAGAIN:
            waitForRoom(h, waitMs, bell)
            try checkProgress()
            return 0
        case -EPIPE, -ESTRPIPE:
            try recover(err)
            return 0
        default:
            throw AlsaPCM.error(.deviceFailed, err, name)
        }
    }

    /// `snd_pcm_wait`, but a stop's bell ends it too. The device's events are read back through ALSA, which some
    /// plugins (jack) need to consume their wake-up.
    private func waitForRoom(_ h: OpaquePointer, _ waitMs: Int32, _ bell: StopBell?) {
        guard let bell, bell.fd >= 0 else { _ = snd_pcm_wait(h, waitMs); return }
        let count = Int(snd_pcm_poll_descriptors_count(h))
        guard count > 0 else { _ = snd_pcm_wait(h, waitMs); return }
        var fds = [pollfd](repeating: pollfd(), count: count + 1)
        let filled = fds.withUnsafeMutableBufferPointer { snd_pcm_poll_descriptors(h, $0.baseAddress, UInt32(count)) }
        guard filled == count else { _ = snd_pcm_wait(h, waitMs); return }
        fds[count] = pollfd(fd: bell.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, nfds_t(count + 1), waitMs) > 0 else { return }
        var revents: UInt16 = 0
        _ = fds.withUnsafeMutableBufferPointer { snd_pcm_poll_descriptors_revents(h, $0.baseAddress, UInt32(count), &revents) }
    }

    private func recover(_ err: Int32) throws(AudioError) {
        guard let h = pcm else { return }
        xruns += 1
        if err == -ESTRPIPE {
            var tries = 0
            var rc = snd_pcm_resume(h)
            while rc == -EAGAIN && tries < 50 { usleep(10_000); tries += 1; rc = snd_pcm_resume(h) }
            if rc < 0 { rc = snd_pcm_prepare(h) }
            if rc < 0 { throw AlsaPCM.error(.deviceFailed, rc, name) }
        } else {
            let rc = snd_pcm_recover(h, err, 1)
            if rc < 0 { throw AlsaPCM.error(.deviceFailed, rc, name) }
        }
        needsRestart = snd_pcm_state(h) == SND_PCM_STATE_PREPARED
        framesWritten = 0; framesPlayed = -1
    }

    /// Starts the prepared stream and returns the instant it was triggered.
    @discardableResult
    func start() throws(AudioError) -> MonotonicInstant {
        guard let h = pcm else { throw AlsaPCM.error(.deviceFailed, -EBADFD, name) }
        let rc = snd_pcm_start(h)
        let at = MonotonicInstant.now()
        if rc < 0 { throw AlsaPCM.error(.deviceFailed, rc, name) }
        needsRestart = false
        return at
    }

    /// Frames written but not yet played, and when that was true. Nil if the device cannot say.
    func delay() -> (frames: Int, at: MonotonicInstant)? {
        guard let h = pcm else { return nil }
        var status: OpaquePointer?
        guard snd_pcm_status_malloc(&status) >= 0 else { return nil }
        defer { snd_pcm_status_free(status) }
        guard snd_pcm_status(h, status) >= 0 else { return nil }
        var ts = snd_htimestamp_t()
        snd_pcm_status_get_htstamp(status, &ts)
        let state = snd_pcm_status_get_state(status)
        if state == SND_PCM_STATE_XRUN { return (0, MonotonicInstant.now()) }
        let d = Int(snd_pcm_status_get_delay(status))
        // Plugins without a hardware timestamp leave it zero; then "now" is the best we know.
        let stamp = ts.tv_sec == 0 && ts.tv_nsec == 0
            ? MonotonicInstant.now()
            : MonotonicInstant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
        return (max(0, d), stamp)
    }

    /// Discards whatever is still buffered: the cut is immediate.
    func drop() {
        if let h = pcm { snd_pcm_drop(h) }
    }

    func close() {
        if let h = pcm { snd_pcm_close(h) }
        pcm = nil
    }
}
