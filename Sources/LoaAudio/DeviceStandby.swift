import Foundation
import Synchronization

/// Device standby (issue 17): a player made with `standby: true` keeps its device open between plays and feeds it
/// silence, so the next play — an alert's cut-in above all — costs no device open (on ALSA's jack PCM, registering a
/// JACK client, the bulk of a cut when a fleet's daemons open at the same instant). It also keeps a card and its
/// amplifier awake, and notices a lost device between items, not at the next airing.
///
/// Silence is never an airing: it is written outside any `play`, which drops it (snd_pcm_drop) and prefills as
/// from a closed device, so a play's timing and events are those of a freshly opened stream. The standby thread
/// takes the player's lock for one short tick at a time and holds the player weakly, so a play waits at most one
/// tick and a dropped player still closes its device.
struct StandbyState {
    /// The stream runs on silence written here (it must be dropped before a play prefills).
    var running = false
    var startedAt = MonotonicInstant(nanoseconds: 0)
    var framesWritten = 0
    var streamStarted = false
    /// The fault that took the device during standby, while it is away; reopening is retried.
    var lost: AudioError?
    var reopenAttempts = 0
    var nextReopenAt = MonotonicInstant(nanoseconds: 0)
}

extension Player {
    /// Seconds between standby ticks: each writes what the device played since, so the buffer stays full.
    static let standbyTickSeconds = 0.1

    /// How many devices this player has opened (tests: standby must keep it at one across plays).
    var deviceOpens: Int { opens.load(ordering: .relaxed) }

    /// Called (under the lock) when a play is about to use the device: silence stops at once and is dropped.
    func leaveStandby(_ holder: SinkHolder) {
        if holder.standby.running { holder.sink?.endPlay() }
        holder.standby.running = false
    }

    /// After a play (under the lock): a device still open goes on standby on a thread of its own. With `lost`, the
    /// device could not be opened: the thread tries again until it is back.
    func enterStandby(_ holder: SinkHolder, lost: AudioError? = nil) {
        guard standby else { return }
        if lost == nil {
            guard let sink = holder.sink, !sink.keptOpenBetweenPlays else { return }
        }
        let generation = standbyGeneration.add(1, ordering: .sequentiallyConsistent).newValue
        holder.standby = StandbyState()
        if let lost {
            holder.standby.lost = lost
            holder.standby.nextReopenAt = MonotonicInstant.now().adding(seconds: reconnectDelays.first ?? 1)
        }
        let thread = Thread { [weak self] in
            while let player = self, player.standbyTick(generation) {
                Thread.sleep(forTimeInterval: Self.standbyTickSeconds)
            }
        }
        thread.name = "loa standby \(subject)"
        thread.start()
    }

    /// Opens the device now and stands by (a station at start: its first cut-in costs no open, and a missing card
    /// is reported at once). Nothing when the player has no standby or the device is already open.
    public func standBy() {
        guard standby else { return }
        withSinkHolder { holder in
            guard holder.sink == nil, holder.standby.lost == nil else { return }
            do throws(AudioError) {
                holder.sink = try openDevice()
                enterStandby(holder)
            } catch {
                enterStandby(holder, lost: error)
                standbyObserver.withLock { $0 }?(.deviceLost(error))
            }
        }
    }

    /// One tick; false ends the thread (a play or `close` took over, or a newer standby began).
    private func standbyTick(_ generation: Int) -> Bool {
        guard standbyGeneration.load(ordering: .sequentiallyConsistent) == generation else { return false }
        return withSinkHolder { holder -> Bool in
            // Checked again under the lock: a play bumps the generation before it takes the lock.
            guard standbyGeneration.load(ordering: .sequentiallyConsistent) == generation else { return false }
            if holder.sink == nil {
                guard holder.standby.lost != nil else { return false }
                reopenInStandby(holder)
                return true
            }
            do throws(AudioError) {
                try feedSilence(holder)
            } catch {
                holder.sink?.close()
                holder.sink = nil
                holder.standby.running = false
                holder.standby.lost = error
                holder.standby.reopenAttempts = 0
                holder.standby.nextReopenAt = MonotonicInstant.now().adding(seconds: reconnectDelays.first ?? 1)
                standbyObserver.withLock { $0 }?(.deviceLost(error))
            }
            return true
        }
    }

    /// Tops the buffer up with as much silence as has been played since the stream started (paced by the clock
    /// too, so a device that swallows everything at once, like `null`, does not spin).
    private func feedSilence(_ holder: SinkHolder) throws(AudioError) {
        guard let sink = holder.sink else { return }
        let rate = Double(format.sampleRate)
        if !holder.standby.running {
            try sink.prepare()
            holder.standby = StandbyState(running: true, startedAt: .now())
        }
        let elapsed = MonotonicInstant.now().seconds(since: holder.standby.startedAt)
        var want = sink.bufferFrames + Int(elapsed * rate) - holder.standby.framesWritten
        let zeros = [Int16](repeating: 0, count: max(1, min(want, format.sampleRate / 2)) * format.channels)
        while want > 0 {
            let n = try zeros.withUnsafeBufferPointer { buffer throws(AudioError) -> Int in
                try sink.write(buffer.baseAddress!, frames: min(want, buffer.count / format.channels))
            }
            if n == 0 { break }
            want -= n
            holder.standby.framesWritten += n
        }
        // Started once prefilled; again after an underrun (the tick came late under load).
        if holder.standby.framesWritten > 0, sink.needsRestart || !holder.standby.streamStarted {
            _ = try sink.start()
            holder.standby.streamStarted = true
        }
        try sink.checkProgress()
    }

    /// The device went away during standby: tried again on the player's reconnect delays, the last one repeating.
    private func reopenInStandby(_ holder: SinkHolder) {
        guard MonotonicInstant.now() >= holder.standby.nextReopenAt else { return }
        do throws(AudioError) {
            holder.sink = try openDevice()
            holder.standby = StandbyState()
            standbyObserver.withLock { $0 }?(.deviceBack)
        } catch {
            holder.standby.reopenAttempts += 1
            let wait = reconnectDelays[min(holder.standby.reopenAttempts, reconnectDelays.count - 1)]
            holder.standby.nextReopenAt = MonotonicInstant.now().adding(seconds: wait)
        }
    }

    /// Where device faults found during standby go (`deviceLost`, then `deviceBack` once reopened); a play reports
    /// its own through its observer.
    public func observeStandby(_ observer: @escaping @Sendable (PlayEvent) -> Void) {
        standbyObserver.withLock { $0 = observer }
    }
}
