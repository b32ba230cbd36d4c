import Foundation
import LoaAudio
import LoaCore
import LoaL10n
import LoaPlan

/// Airing a relay (SPEC §10): one airing of `source: relay` whose `played_s` is what of the source reached the
/// device, with every outage inside it logged as a `missed` event of its length and reason.
extension PlayoutEngine {
    func playRelay(_ run: Timeline.Run) throws {
        guard let entry = run.entries.first else { return }
        let slot = timeline.slots[run.slotIndex]
        let item = slot.items[entry.itemIndex]
        let template = AiringEvent(at: "", kind: .started, airing: entry.airing, station: options.station, plan: plan.id,
                                   message: nil, slotStart: stamp(slot.start), source: .relay, audio: item.media.path,
                                   plannedSeconds: entry.duration)
        guard let source = RelaySource(item.media.path) else {
            return try logFailedAttempt(template, reason: tr("nguồn tiếp sóng không hợp lệ: \(item.media.path)",
                                                             "not a relay source: \(item.media.path)"))
        }
        let station = plan.station(options.station)
        let fallback = station?.fallback?.url ?? station?.intro?.url ?? station?.outro?.url
        let outages = Locked(0)
        let startAt = entry.plannedStart
        let feed = LiveFeed(subject: item.media.path, lengthSeconds: entry.duration, fallback: fallback) { [self] o in
            let n = outages.withLock { n -> Int in n += 1; return n }
            let seconds = (o.seconds * 10).rounded() / 10
            let from = Timestamp.format(startAt.addingTimeInterval(o.offset), timeZone: plan.timezone)
            var missed = template
            missed.airing = "\(entry.airing)/outage-\(n)"
            missed.kind = .missed
            missed.at = stamp(clock.isSimulated ? startAt.addingTimeInterval(o.offset + o.seconds) : clock.now())
            missed.plannedSeconds = seconds
            missed.detail = tr("\(o.reason.vi); mất \(seconds) giây từ \(from)",
                               "\(o.reason.en); \(seconds) s lost from \(from)")
            record(missed)
        }
        let reader = startReading(source, into: feed)
        defer { feed.close(); reader.cancel() }
        options.report(tr("loa: tiếp sóng \(slot.slot) từ \(item.media.path)", "loa: relay \(slot.slot) from \(item.media.path)"))
        let outcome = try air([Airing.Item(template: template, planned: entry.duration, cap: entry.cap,
                                           capCause: entry.capCause, feed: feed)],
                              [PlayItem(live: feed, maxSeconds: entry.cap)], startAt: startAt, emergency: false)
        // Cut by an emergency with time left: the relay comes back after it as a new airing.
        if outcome.cutForEmergency || run.preemptedBy != nil {
            let original = slot.airingID(of: item)
            var n = 1
            while handled.current.contains("\(original)/resumed-\(n)") { n += 1 }
            reair[original] = "\(original)/resumed-\(n)"
        }
    }

    /// The source's reader, running until the feed closes: a task for a stream, a thread for a capture device.
    private func startReading(_ source: RelaySource, into feed: LiveFeed) -> RelayReading {
        switch source {
        case .stream(let url):
            return .task(Task.detached { await RelayStreamReader(url: url, feed: feed).run() })
        case .capture(let device):
            let capture = CaptureReader(device: device, feed: feed)
            Thread.detachNewThread { capture.run() }
            return .capture(capture)
        }
    }
}

enum RelayReading {
    case task(Task<Void, Never>)
    case capture(CaptureReader)
    func cancel() {
        if case .task(let t) = self { t.cancel() }
    }
}
