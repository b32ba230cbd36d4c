import Foundation

/// One `Player.play` call. Frames are counted on one timeline for the whole call (`written`), across device
/// reopenings, and each announced item is a segment [start, end) of it. What has been heard is `written − delay`.
struct PlaySession {
    private struct Segment {
        var index: Int
        var start: Int
        var end: Int?
        var capped = false
        var error: AudioError?
        var firstSampleAt: MonotonicInstant?
    }

    private let player: Player
    private let holder: Player.SinkHolder
    private let items: [PlayItem]
    private var deadline: MonotonicInstant?
    private let observer: @Sendable (PlayEvent) -> Void
    private let rate: Double
    private let channels: Int

    private var results: [ItemResult?]
    private var segments: [Segment] = []
    private var written = 0
    /// `written` when the current device was opened; frames before it count as heard.
    private var sinkBase = 0
    private var started = false
    /// When the current device was started; nothing it plays can be heard earlier, whatever its delay says
    /// (null and file devices consume at once and report no delay).
    private var startedAt = MonotonicInstant(nanoseconds: 0)
    private var restartAt: Int?
    private var stopped = false
    private var gaveUp: AudioError?

    init(player: Player, holder: Player.SinkHolder, items: [PlayItem], deadline: MonotonicInstant?,
         observer: @escaping @Sendable (PlayEvent) -> Void) {
        self.player = player; self.holder = holder; self.items = items; self.deadline = deadline
        self.observer = observer
        rate = Double(player.format.sampleRate)
        channels = player.format.channels
        results = Array(repeating: nil, count: items.count)
    }

    private var stopRequested: Bool { player.stopRequested.load(ordering: .relaxed) }

    mutating func run() -> [ItemResult] {
        // Loudness is measured (or read from the cache) before the deadline, never while the buffer drains.
        var gains: [Result<(gainDB: Double, steer: GainSteer?, limit: Double?), AudioError>] = []
        for item in items {
            do throws(AudioError) {
                // A live source is leveled as it airs; its fallback file is measured now.
                if let fallback = item.live?.fallback { _ = try? player.gain(for: PlayItem(url: fallback)) }
                gains.append(.success(item.live != nil ? (0, nil, nil) : try player.leveling(for: item)))
            } catch { gains.append(.failure(error)) }
        }
        // Saved beside the play, not before its first sample: the cache file holds every file the box has measured
        // (megabytes of JSON), and an emergency must not wait for it to be written.
        if let cache = player.cache { Thread.detachNewThread { _ = cache.save() } }
        do throws(AudioError) {
            let f = player.format
            guard DeviceFormat.supportedChannels.contains(f.channels), DeviceFormat.supportedRates.contains(f.sampleRate)
            else {
                throw AudioError(.unsupportedFormat, subject: player.subject,
                                 libraryMessage: "device format \(f.sampleRate) Hz, \(f.channels) channels")
            }
            if holder.sink == nil { holder.sink = try player.openDevice() }
            try holder.sink!.prepare()
        } catch {
            holder.sink?.close()
            holder.sink = nil
            for i in items.indices { end(i, ItemResult(outcome: .failed(error))) }
            return results.map { $0! }
        }

        for (i, item) in items.enumerated() {
            if stopped || gaveUp != nil || stopRequested { break }
            let stream: any FrameStream
            do throws(AudioError) {
                let leveling = try gains[i].get()
                if let feed = item.live {
                    stream = try LiveStream(feed: feed, format: player.format, maxSeconds: item.maxSeconds,
                                            startAt: deadline, targetLUFS: player.loudness.targetLUFS,
                                            fallbackGain: feed.fallback.flatMap { try? player.gain(for: PlayItem(url: $0)) })
                } else {
                    stream = try ItemStream(url: item.url, format: player.format, gainDB: leveling.gainDB,
                                            maxSeconds: item.maxSeconds, steer: leveling.steer,
                                            limitCeilingDBTP: leveling.limit)
                }
            } catch {
                end(i, ItemResult(outcome: .failed(error)))
                continue
            }
            announce(i)
            var decodeError: AudioError?
            while !stopped && gaveUp == nil {
                let chunk: UnsafeBufferPointer<Int16>?
                do throws(AudioError) { chunk = try stream.next() } catch { decodeError = error; break }
                guard let chunk else { break }
                pump(chunk)
            }
            if stopped || stopRequested || gaveUp != nil { break }
            guard let last = segments.indices.last, segments[last].index == i else { continue }
            segments[last].end = written
            segments[last].capped = stream.capped
            if decodeError == nil && stream.framesOut == 0 && !stream.capped {
                decodeError = AudioError(.emptyAudio, subject: item.url.path)
            }
            segments[last].error = decodeError
            poll()
        }
        if stopRequested { stopped = true }
        if !stopped && gaveUp == nil { drain() }
        if stopped { cut() }
        holder.sink?.endPlay()
        if !stopped, !player.standby, holder.sink?.keptOpenBetweenPlays == false {
            // Everything was heard and nothing follows yet: close the stream. A stream left open but dry is up to
            // its driver (ALSA's jack plugin repeats its last period at full level until the next play); a closed
            // one is silent everywhere. After a cut the device stays open: the bulletin that caused it follows at
            // once, and reopening would delay its first sample. A standby player keeps it open and feeds it silence.
            holder.sink?.close()
            holder.sink = nil
        }
        for i in items.indices where results[i] == nil {
            end(i, ItemResult(outcome: gaveUp.map { .failed($0) } ?? .skipped))
        }
        return results.map { $0! }
    }

    // MARK: writing

    private mutating func pump(_ chunk: UnsafeBufferPointer<Int16>) {
        let frames = chunk.count / channels
        var offset = 0
        while offset < frames {
            if stopRequested { stopped = true; return }
            guard let sink = holder.sink else { return }
            do throws(AudioError) {
                if !started, sink.bufferFrames == 0 || deadlinePassed { try startAtDeadline() }
                if stopped { return }
                let restartPending = restartAt != nil
                let n = try sink.write(chunk.baseAddress! + offset * channels, frames: frames - offset)
                offset += n
                written += n
                if sink.needsRestart && restartAt == nil { restartAt = written + sink.bufferFrames / 2 }
                // Full (some plugins, like null, never say so: count the prefill ourselves): wait for the deadline.
                if !started && (n == 0 || written - sinkBase >= sink.bufferFrames) {
                    try startAtDeadline()
                } else if restartPending, let at = restartAt, n == 0 || written >= at {
                    // After an underrun: refill half the buffer (or until it is full) before starting again.
                    try restart()
                }
                poll()
            } catch {
                if !reconnect(after: error) { return }
            }
        }
    }

    private var deadlinePassed: Bool { deadline.map { MonotonicInstant.now() >= $0 } ?? false }

    /// Waits (interruptibly) for the deadline, then starts the stream.
    private mutating func startAtDeadline() throws(AudioError) {
        if let deadline {
            while !stopRequested {
                let left = deadline.seconds(since: .now())
                if left <= 0.02 { deadline.sleepUntil(); break }
                player.bell.wait(milliseconds: max(1, Int32((min(left - 0.015, 0.01) * 1000).rounded(.up))))
            }
            if stopRequested { stopped = true; return }
        }
        startedAt = try holder.sink!.start()
        started = true
        poll()
    }

    private mutating func restart() throws(AudioError) {
        restartAt = nil
        if holder.sink!.needsRestart { startedAt = try holder.sink!.start() }
    }

    // MARK: what has been heard

    private mutating func announce(_ i: Int) {
        let now = MonotonicInstant.now()
        let airsAt: MonotonicInstant
        if started, let sink = holder.sink {
            let (d, t) = sink.delay()
            airsAt = t.adding(seconds: Double(d) / rate)
        } else {
            let base = deadline.map { max($0, now) } ?? now
            airsAt = base.adding(seconds: Double(written - sinkBase) / rate)
        }
        segments.append(Segment(index: i, start: written))
        observer(.willStart(index: i, airsAt: airsAt))
    }

    /// Frames heard so far and when; stamps first samples and ends items whose last sample was heard.
    private mutating func poll() {
        guard let sink = holder.sink else { return }
        let (d, t) = sink.delay()
        let heard = started ? max(sinkBase, written - d) : sinkBase
        for k in segments.indices where segments[k].firstSampleAt == nil && heard > segments[k].start {
            segments[k].firstSampleAt = max(startedAt, t.adding(seconds: -Double(heard - segments[k].start) / rate))
        }
        while let first = segments.first, let end = first.end, heard >= end {
            segments.removeFirst()
            let played = Double(end - first.start) / rate
            let outcome: PlayOutcome = first.error.map { .failed($0) } ?? (first.capped ? .stopped : .finished)
            self.end(first.index, ItemResult(outcome: outcome, playedSeconds: played,
                                             firstSampleAt: first.firstSampleAt))
        }
    }

    /// Waits until everything written has been heard (or a stop).
    private mutating func drain() {
        while !segments.isEmpty {
            if stopRequested { stopped = true; return }
            do throws(AudioError) {
                if !started { try startAtDeadline(); continue }
                if holder.sink?.needsRestart == true { try restart() }
                try holder.sink?.checkProgress()
            } catch {
                if !reconnect(after: error) { return }
                continue
            }
            poll()
            if !segments.isEmpty { player.bell.wait(milliseconds: 5) }
        }
    }

    /// Stop: what was heard stays heard, the rest of the buffer is dropped at once.
    private mutating func cut() {
        guard let sink = holder.sink else { return }
        let (d, _) = sink.delay()
        let heard = started ? max(sinkBase, written - d) : sinkBase
        poll()
        sink.endPlay()
        for seg in segments {
            let upTo = min(heard, seg.end ?? written)
            let frames = max(0, upTo - seg.start)
            end(seg.index, ItemResult(outcome: seg.error.map { .failed($0) } ?? .stopped,
                                      playedSeconds: Double(frames) / rate,
                                      firstSampleAt: frames > 0 ? seg.firstSampleAt : nil))
        }
        segments.removeAll()
    }

    // MARK: device loss

    /// Closes the vanished device and reopens it with backoff; false when stopped or given up.
    private mutating func reconnect(after error: AudioError) -> Bool {
        observer(.deviceLost(error))
        holder.sink?.close()
        holder.sink = nil
        let lostAt = MonotonicInstant.now()
        var attempt = 0
        while !stopRequested {
            let wait = player.reconnectDelays[min(attempt, player.reconnectDelays.count - 1)]
            let until = MonotonicInstant.now().adding(seconds: wait)
            while !stopRequested && MonotonicInstant.now() < until { player.bell.wait(milliseconds: 10) }
            if stopRequested { break }
            if MonotonicInstant.now().seconds(since: lostAt) > player.reconnectGiveUpSeconds {
                giveUp(error)
                return false
            }
            do throws(AudioError) {
                let sink = try player.openDevice()
                try sink.prepare()
                holder.sink = sink
                // What the old device held is gone; the stream goes on from where decoding is, at once.
                sinkBase = written
                started = false
                restartAt = nil
                deadline = nil
                observer(.deviceBack)
                return true
            } catch {
                attempt += 1
            }
        }
        stopped = true
        return false
    }

    private mutating func giveUp(_ error: AudioError) {
        gaveUp = error
        for seg in segments {
            // Frames handed to the device before it vanished; some of the last buffer may not have been heard.
            let frames = max(0, (seg.end ?? written) - seg.start)
            end(seg.index, ItemResult(outcome: .failed(error), playedSeconds: Double(frames) / rate,
                                      firstSampleAt: seg.firstSampleAt))
        }
        segments.removeAll()
    }

    private mutating func end(_ i: Int, _ result: ItemResult) {
        results[i] = result
        observer(.ended(index: i, result))
    }
}
