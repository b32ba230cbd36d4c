import LoaCore
import Foundation
import LoaAudio
import LoaL10n
import LoaLog
import LoaPlan
import LoaSchedule

/// Airing a run or an emergency, and the events that record it.
extension PlayoutEngine {
    /// What one sink call airs, for the observer (which runs on the audio engine's thread).
    final class Airing: @unchecked Sendable {
        struct Item {
            var template: AiringEvent
            var planned: Double
            var cap: Double?
            var capCause: Timeline.CapCause?
            /// A relay's live source: what of the airing was the source itself (`played_s`).
            var feed: LiveFeed?
        }
        let items: [Item]
        /// Simulated time of the stream's first sample; events are timed from it when there is no real clock.
        let simStart: Date
        let state = Locked(State())
        struct State {
            var started: [Int: Date] = [:]
            /// Each item's first sample as the audio engine gave it, so later items are timed from the same stream.
            var airsAt: [Int: MonotonicInstant] = [:]
            var playedBefore: Double = 0
            var results: [Int: ItemResult] = [:]
            var deviceFailure: AudioError?
            var anyStarted = false
            /// Items announced after a stop was asked for: kept off the air and out of the log.
            var keptOff: Set<Int> = []
        }
        init(items: [Item], simStart: Date) { self.items = items; self.simStart = simStart }
    }

    func play(_ run: Timeline.Run) throws {
        let slot = timeline.slots[run.slotIndex]
        if slot.isRelay { return try playRelay(run) }
        var items: [Airing.Item] = []
        var sinkItems: [PlayItem] = []
        for entry in run.entries {
            let item = slot.items[entry.itemIndex]
            var template = AiringEvent(
                at: "", kind: .started, airing: entry.airing, station: options.station, plan: plan.id,
                message: item.message, slotStart: stamp(slot.start),
                source: item.message.flatMap { plan.message($0) }?.isLocal == true ? .local : .schedule,
                audio: item.media.path,
                plannedSeconds: item.duration)
            let url: URL
            do {
                guard let located = item.media.url else { throw AudioError(.fileMissing, subject: item.media.path) }
                url = located
                template.audioSHA256 = try sink.contentHash(of: item.media)
            } catch {
                // Missing or unreadable at air time: the airing is attempted and fails alone; the rest plays.
                try logFailedAttempt(template, reason: describe(error))
                continue
            }
            items.append(Airing.Item(template: template, planned: item.duration, cap: entry.cap,
                                     capCause: entry.capCause))
            sinkItems.append(PlayItem(url: url, gainDB: nil, maxSeconds: entry.cap))
        }
        guard !items.isEmpty else { return }
        let startAt = run.entries.first { e in items.contains { $0.template.airing == e.airing } }?.plannedStart
            ?? run.startAt
        let outcome = try air(items, sinkItems, startAt: startAt, emergency: false)
        if run.preemptedBy != nil || outcome.cutForEmergency { retime.insert(slot.key) }
    }

    struct AirOutcome { var cutForEmergency: Bool; var begun = true }

    /// Plays `items` as one stream, logging each airing as it starts and ends.
    func air(_ items: [Airing.Item], _ sinkItems: [PlayItem], startAt: Date, emergency: Bool,
             onStarted: (@Sendable (AiringEvent, MonotonicInstant) -> Void)? = nil) throws -> AirOutcome {
        let begun = shared.withLock { s -> Bool in
            // A command that arrived since the loop looked is served first; nothing starts under it. An emergency
            // starts under a reload, never under a stop.
            guard s.commands.isEmpty || (emergency && !s.stopRequested) else { return false }
            s.onAir = (emergency, nil)
            return true
        }
        guard begun else { return AirOutcome(cutForEmergency: false, begun: false) }
        let busyStart = clock.now()
        let airing = Airing(items: items, simStart: max(busyStart, startAt))
        let deadline = clock.monotonicDeadline(for: startAt)
        _ = sink.play(sinkItems, startingAt: deadline) { [self] event in
            observe(event, airing, onStarted: onStarted)
        }
        let stopping = shared.withLock { s in defer { s.onAir = nil }; return s.onAir?.stopping }
        let state = airing.state.current
        if clock.isSimulated { clock.advance(to: airing.simStart.addingTimeInterval(state.playedBefore)) }
        // Slots that began while this stream held the device wait for it and then fit what they can; the stream's
        // own slot does not count (the hand-over lead starts before it).
        let busyEnd = clock.now()
        let ownSlots = Set(items.compactMap { $0.template.slotStart.map { "\($0)" } })
        for slot in timeline.slotsStarting(after: max(busyStart, startAt), through: busyEnd)
            where emergency || !ownSlots.contains(stamp(slot.start)) {
            retime.insert(slot.key)
        }

        if let failure = state.deviceFailure, !state.anyStarted || state.results.values.contains(where: {
            if case .failed(let f) = $0.outcome { return f.isDeviceFault }; return false
        }) {
            if deviceDown == nil {
                options.problem(tr("loa: thiết bị âm thanh không sẵn sàng: \(failure.localized.vi)",
                                   "loa: audio device unavailable: \(failure.localized.en)"))
            }
            deviceDown = failure
            shared.withLock { $0.deviceFault = failure.localized }
            let wait = options.backoff[min(backoffIndex, options.backoff.count - 1)]
            backoffIndex += 1
            deviceRetryAt = clock.now().addingTimeInterval(wait)
        } else if state.anyStarted {
            if deviceDown != nil { options.problem(tr("loa: thiết bị âm thanh đã trở lại", "loa: audio device back")) }
            deviceDown = nil; deviceRetryAt = nil; backoffIndex = 0
            shared.withLock { $0.deviceFault = nil }
        }
        switch stopping {
        case .emergency?, .atItemEnd?: return AirOutcome(cutForEmergency: true)
        default: return AirOutcome(cutForEmergency: false)
        }
    }

    private func observe(_ event: PlayEvent, _ airing: Airing,
                         onStarted: (@Sendable (AiringEvent, MonotonicInstant) -> Void)?) {
        switch event {
        case .willStart(let index, let airsAt):
            guard airing.items.indices.contains(index) else { return }
            // Once a stop is asked for nothing new goes on air: the player keeps the item off (0 s heard) and the
            // log gets no `started` stamped after the stop.
            if shared.withLock({ s in
                if case .atItemEnd? = s.onAir?.stopping { return true }
                return s.stopRequested
            }) {
                sink.stop()
                airing.state.withLock { _ = $0.keptOff.insert(index) }
                return
            }
            let at = airing.state.withLock { s -> Date in
                var t = clock.wallTime(ofMonotonic: airsAt)
                    ?? (clock.isSimulated ? airing.simStart.addingTimeInterval(s.playedBefore) : clock.now())
                // One stream, one timeline: the next item starts where the previous one's samples end, so it is timed
                // from that item's start (wall and monotonic clocks are read once per stream, not once per item).
                if !clock.isSimulated, let previous = s.started[index - 1], let previousAt = s.airsAt[index - 1] {
                    t = previous.addingTimeInterval(airsAt.seconds(since: previousAt))
                }
                s.started[index] = t; s.airsAt[index] = airsAt; s.anyStarted = true
                return t
            }
            var e = airing.items[index].template
            e.at = stamp(at); e.kind = .started
            // On air even when the log refuses it for now: the emergency's sender is told it airs.
            let logged = record(e)
            onStarted?(logged ?? e, airsAt)
            // A cut asked for between marking the run on air and the player's session starting would be lost (a new
            // session clears the stop flag): ask again now, before the first sample.
            if index == 0, shared.withLock({ $0.onAir?.stopping != nil }) { sink.stop() }
        case .ended(let index, let result):
            guard airing.items.indices.contains(index), !airing.state.withLock({ $0.keptOff.contains(index) }) else {
                return
            }
            let (startedAt, playedBefore, nextStart) = airing.state.withLock { s -> (Date?, Double, Date?) in
                defer { s.playedBefore += result.playedSeconds; s.results[index] = result }
                return (s.started[index], s.playedBefore, s.started[index + 1])
            }
            let item = airing.items[index]
            // The end is a sample position: the next item's first sample when it already began (the same instant,
            // so the two events never cross), else this item's start plus what was heard of it.
            let endAt: Date
            if clock.isSimulated {
                endAt = airing.simStart.addingTimeInterval(playedBefore + result.playedSeconds)
            } else if let nextStart, let startedAt, nextStart >= startedAt {
                endAt = nextStart
            } else if let startedAt {
                endAt = startedAt.addingTimeInterval(result.playedSeconds)
            } else {
                endAt = clock.now()
            }
            var e = item.template
            e.at = stamp(endAt); e.playedSeconds = item.feed?.sourceSeconds(ofHeard: result.playedSeconds)
                ?? result.playedSeconds
            switch result.outcome {
            case .skipped:
                return
            case .finished, .stopped:
                var reason = result.outcome == .stopped ? shared.withLock { $0.onAir?.stopping } : nil
                // Waiting for an item's end stops nothing mid-way: the item ended as it would have.
                if case .atItemEnd? = reason { reason = nil }
                let capped = item.cap.map { result.playedSeconds >= $0 - 0.05 } ?? false
                    && result.playedSeconds + 0.05 < item.planned
                switch reason {
                case .emergency(let requestedAt)?:
                    let ms = MonotonicInstant.now().seconds(since: requestedAt) * 1000
                    shared.withLock { $0.stats.cutLatencies.append(ms); $0.lastCut = ms }
                    e.kind = .preempted
                    e.detail = tr("bị ngắt để phát bản tin khẩn cấp (ngắt sau \(Int(ms.rounded())) ms)",
                                  "pre-empted by an emergency bulletin (cut in \(Int(ms.rounded())) ms)")
                case .operatorStop?:
                    e.kind = .interrupted
                    e.detail = tr("dừng bởi người vận hành", "stopped by operator")
                case .alert(let why)?:
                    e.kind = .interrupted
                    e.detail = why
                case nil where capped:
                    // The audio engine cut it at its cap: a pre-empting slot began, or its own slot ended.
                    if case .preempt(let j)? = item.capCause {
                        e.kind = .preempted
                        let at = Timestamp.format(timeline.slots[j].start, timeZone: plan.timezone)
                        e.detail = tr("bị ngắt để phát khung giờ khẩn cấp \(at)",
                                      "pre-empted by the emergency slot at \(at)")
                    } else {
                        e.kind = .interrupted
                        e.detail = tr("cắt khi hết khung giờ", "cut at the end of its slot")
                    }
                case nil, .atItemEnd?:
                    e.kind = result.outcome == .finished ? .finished : .interrupted
                    if result.outcome == .stopped { e.detail = tr("bị dừng", "stopped") }
                }
            case .failed(let failure):
                let firstDeviceFailure = failure.isDeviceFault && airing.state.withLock { s in
                    defer { s.deviceFailure = failure }
                    return s.deviceFailure == nil
                }
                if startedAt == nil {
                    if failure.isDeviceFault {
                        // Only the item due now is lost; later ones wait for the device to come back.
                        guard firstDeviceFailure else { return }
                        e.kind = .missed; e.playedSeconds = nil
                        e.detail = tr("thiết bị âm thanh không sẵn sàng: \(failure.localized.vi)",
                                      "audio device unavailable: \(failure.localized.en)")
                    } else {
                        try? logFailedAttempt(item.template, reason: failure.description, at: endAt)
                        return
                    }
                } else {
                    e.kind = .failed
                    e.detail = failure.isDeviceFault
                        ? tr("mất thiết bị âm thanh: \(failure.localized.vi)", "audio device lost: \(failure.localized.en)")
                        : failure.description
                }
            }
            record(e)
        case .deviceLost(let failure):
            airing.state.withLock { $0.deviceFailure = failure }
            options.problem(tr("loa: mất thiết bị âm thanh: \(failure.localized.vi)",
                               "loa: audio device lost: \(failure.localized.en)"))
        case .deviceBack:
            options.problem(tr("loa: thiết bị âm thanh đã trở lại", "loa: audio device back"))
        }
    }

    /// Appends durably; the airing counts as handled from here on. If the log can't be written (a full disk, a
    /// failing card), airing goes on, since residents hearing the bulletin matters more than the proof of it, and
    /// the proof is not dropped: the event waits in memory and is written, in order, ahead of the next one once the
    /// log takes writes again. Returns the logged event, or nil while it waits.
    @discardableResult
    func record(_ event: AiringEvent) -> AiringEvent? {
        var event = event
        if options.rehearsal { event.rehearsal = true }
        event.detail = AlertScheduler.detail(event.detail, ofAiring: event.airing)
        handled.withLock { _ = $0.insert(event.airing) }
        return unlogged.withLock { waiting -> AiringEvent? in
            waiting.keepInOrder(&event)
            waiting.events.append(event)
            defer { unloggedCount.store(waiting.events.count, ordering: .relaxed) }
            return writeWaiting(&waiting)
        }
    }

    struct Unlogged {
        var events: [AiringEvent] = []
        var failures = 0
        /// The latest `at` this run logged.
        var lastAt: (date: Date, text: String)?

        /// A `missed` row, stamped from the wall clock, never precedes a row already logged: started and ending
        /// rows carry the time their samples are heard, which the device buffer puts up to a second ahead of the
        /// wall clock (an item announced ahead, an item cut at a stop), so a row missed just after one takes its
        /// time. A larger difference is a clock stepped back (reported as such) and is written as it is.
        mutating func keepInOrder(_ event: inout AiringEvent) {
            guard let date = Timestamp.parse(event.at) else { return }
            if event.kind == .missed, let last = lastAt, date < last.date, last.date.timeIntervalSince(date) < 5 {
                event.at = last.text
            } else if lastAt.map({ date > $0.date }) ?? true {
                lastAt = (date, event.at)
            }
        }
    }

    /// Writes what waits, oldest first, stopping at the first refusal; the logged form of the last one when all went.
    private func writeWaiting(_ waiting: inout Unlogged) -> AiringEvent? {
        var logged: AiringEvent?
        let backlog = waiting.events.count - 1
        while let next = waiting.events.first {
            do {
                logged = try recorder.append(next)
            } catch {
                shared.withLock { $0.stats.logErrors.append("\(error)") }
                waiting.failures += 1
                let n = waiting.events.count
                options.problem(waiting.failures == 1
                    ? tr("loa: LỖI: không ghi được nhật ký phát: \(error); sự kiện được giữ lại và sẽ ghi khi ghi được",
                         "loa: ERROR: could not write the airing log: \(error); events are kept and written once it can be")
                    : tr("loa: LỖI: vẫn chưa ghi được nhật ký phát (\(n) sự kiện đang chờ)",
                         "loa: ERROR: the airing log still takes no writes (\(n) events waiting)"))
                return nil
            }
            waiting.events.removeFirst()
            options.report("loa: \(next.at) \(next.kind.localized.text()) \(next.airing)"
                           + (next.detail.map { " (\($0))" } ?? ""))
            shared.withLock { $0.stats.events += 1 }
        }
        if waiting.failures > 0 {
            options.problem(tr("loa: nhật ký phát ghi được trở lại; đã ghi \(backlog + 1) sự kiện đang chờ",
                              "loa: the airing log takes writes again; \(backlog + 1) waiting events written"))
            waiting.failures = 0
        }
        return logged
    }

    /// At stop: one last try; what still can't be written is handed back in `stats.unwrittenEvents`.
    func finishLog() {
        let left = unlogged.withLock { waiting -> [AiringEvent] in
            if !waiting.events.isEmpty { _ = writeWaiting(&waiting) }
            unloggedCount.store(waiting.events.count, ordering: .relaxed)
            return waiting.events
        }
        shared.withLock { $0.stats.unwrittenEvents = left }
    }

    func logMissed(_ entry: Timeline.Entry, reason: String, at: Date) throws {
        let slot = timeline.slots[entry.slotIndex]
        let item = slot.items[entry.itemIndex]
        record(AiringEvent(at: stamp(at), kind: .missed, airing: entry.airing, station: options.station, plan: plan.id,
                           message: item.message, slotStart: stamp(slot.start),
                           source: item.kind == .relay ? .relay : .schedule,
                           audio: item.media.path, plannedSeconds: entry.duration, detail: reason))
    }

    /// An airing that could not start because of its file: `started` then `failed`, so it reads as attempted.
    func logFailedAttempt(_ template: AiringEvent, reason: String, at: Date? = nil) throws {
        let t = stamp(at ?? clock.now())
        var s = template
        s.at = t; s.kind = .started
        record(s)
        var f = template
        f.at = t; f.kind = .failed; f.playedSeconds = 0; f.detail = reason
        record(f)
    }

    /// The reason an item could not be read at air time, in the log's words.
    func describe(_ error: any Error) -> String {
        guard let error = error as? AudioError else { return "\(error)" }
        if error.kind == .fileMissing {
            return tr("thiếu tệp âm thanh: \(error.subject)", "audio file missing: \(error.subject)")
        }
        return tr("không đọc được tệp âm thanh: \(error.localized.vi)", "cannot read audio file: \(error.localized.en)")
    }
}
