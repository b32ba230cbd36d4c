import Foundation
import LoaAudio
import LoaCore
import LoaL10n

/// Emergencies in turn: each request is answered the moment it is taken (its airing id, how many are ahead), airs
/// when those before it have ended, and is logged `missed` if the daemon stops first.
extension PlayoutEngine {
    func enqueueEmergency(_ request: EmergencyRequest, first: Bool,
                          reply: @escaping @Sendable (EmergencyReply) -> Void) -> EmergencyTicket {
        let requestedAt = MonotonicInstant.now(), takenAt = clock.now()
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let (ticket, mustCut) = shared.withLock { s -> (EmergencyTicket, Bool) in
            // A fleet alert comes with its own fixed airing id (AlertScheduler); an operator's gets one now.
            let airing = request.airing
                ?? "\(options.station)@\(Timestamp.format(takenAt, timeZone: s.timeZone))/emergency:\(suffix)"
            let queued = QueuedEmergency(request: request, reply: reply, requestedAt: requestedAt,
                                         airing: airing)
            // A cut-in alert cuts a next-slot alert on air (it yields) and goes first; otherwise one waits its turn.
            let cutsYielding = request.yields != true && s.emergencyAiring?.yields == true
                && s.onAir?.emergency == true
            // Nor does it wait behind next-slot alerts still queued for an item's end.
            let passesYielding = request.yields != true && !s.emergencies.isEmpty
                && s.emergencies.allSatisfy { $0.request.yields == true }
            let front = first || cutsYielding || passesYielding
            let ahead = front ? 0 : s.emergencies.count + (s.emergencyBusy ? 1 : 0)
            if front { s.emergencies.insert(queued, at: 0) } else { s.emergencies.append(queued) }
            guard ahead == 0, let onAir = s.onAir else { return (EmergencyTicket(airing: airing, ahead: ahead), false) }
            let untouched: Bool
            if case .atItemEnd? = onAir.stopping { untouched = true } else { untouched = onAir.stopping == nil }
            // A next-slot alert never cuts a scheduled item mid-way: it airs once the item on air ends.
            if request.yields == true, !onAir.emergency, untouched {
                s.onAir?.stopping = .atItemEnd
                return (EmergencyTicket(airing: airing, ahead: ahead), false)
            }
            // First in line with a scheduled item (or a yielding alert) on air: cut it now, not when the engine
            // next looks.
            guard !onAir.emergency || cutsYielding, untouched else {
                return (EmergencyTicket(airing: airing, ahead: ahead), false)
            }
            s.onAir?.stopping = .emergency(requestedAt: requestedAt)
            return (EmergencyTicket(airing: airing, ahead: ahead), true)
        }
        if mustCut { sink.stop() }
        wake.raise()
        return ticket
    }

    /// The next emergency to air, marked busy until `airEmergency` is done with it; nil when none waits or a stop
    /// is pending (the stop logs the queue).
    func nextEmergency() -> QueuedEmergency? {
        shared.withLock { s in
            guard !s.stopRequested, !s.emergencies.isEmpty else { return nil }
            s.emergencyBusy = true
            return s.emergencies.removeFirst()
        }
    }

    /// At stop: every emergency still waiting is logged `missed` ("station stopping") and its sender told.
    func missQueuedEmergencies() {
        let left = shared.withLock { s in defer { s.emergencies = [] }; return s.emergencies }
        for queued in left { missEmergency(queued) }
    }

    private func missEmergency(_ queued: QueuedEmergency) {
        let reason = tr("trình phát đang dừng", "station stopping")
        var e = template(for: queued)
        e.at = stamp(clock.now()); e.kind = .missed; e.detail = reason
        record(e)
        options.problem(tr("loa: bản tin khẩn cấp \(queued.airing) không được phát: \(reason)",
                           "loa: emergency \(queued.airing) not aired: \(reason)"))
        queued.reply(EmergencyReply(ok: false, airing: queued.airing, error: reason))
    }

    /// A next-slot alert's first sample is due at its slot's opening; everything else airs now.
    private func startAt(of request: EmergencyRequest) -> Date {
        let now = clock.now()
        return max(now, request.startAt ?? now)
    }

    /// The slot is the one on air when the bulletin airs (or is missed).
    private func template(for queued: QueuedEmergency) -> AiringEvent {
        let now = startAt(of: queued.request)
        let onAirSlot = timeline.slots.last { $0.start <= now && now < $0.end }
        return AiringEvent(at: "", kind: .started, airing: queued.airing, station: options.station, plan: plan.id,
                           message: nil, slotStart: onAirSlot.map { stamp($0.start) }, source: .emergency,
                           audio: queued.request.audio.path, detail: queued.request.title)
    }

    func airEmergency(_ queued: QueuedEmergency) throws {
        defer { shared.withLock { $0.emergencyBusy = false } }
        let request = queued.request, reply = queued.reply
        // A fleet alert Cancelled or replaced while it waited here, or expired meanwhile, does not air.
        if let alerts, !alerts.stillWanted(request, now: clock.now()) {
            reply(EmergencyReply(ok: false, airing: queued.airing, error: tr("cảnh báo không còn hiệu lực",
                                                                               "the alert is no longer in force")))
            return
        }
        var template = template(for: queued)
        let cut = shared.withLock { s in defer { s.lastCut = nil }; return s.lastCut }
        do {
            template.audioSHA256 = try sink.contentHash(of: Media(path: request.audio.path, url: request.audio))
        } catch {
            let reason = describe(error)
            try logFailedAttempt(template, reason: reason)
            reply(EmergencyReply(ok: false, airing: template.airing, error: reason))
            return
        }
        let replied = Locked(false)
        options.report(tr("loa: KHẨN CẤP \(request.audio.path)", "loa: EMERGENCY \(request.audio.path)"))
        shared.withLock { $0.emergencyAiring = (template.airing, request.yields == true) }
        defer { shared.withLock { $0.emergencyAiring = nil } }
        let outcome = try air([Airing.Item(template: template, planned: 0, cap: nil, capCause: nil)],
                              [PlayItem(url: request.audio, quickStart: true)], startAt: startAt(of: request),
                              emergency: true) { event, airsAt in
            guard !replied.withLock({ r in defer { r = true }; return r }) else { return }
            let firstSample = airsAt.seconds(since: queued.requestedAt) * 1000
            self.shared.withLock { $0.stats.firstSampleLatencies.append(firstSample) }
            reply(EmergencyReply(ok: true, airing: event.airing, cutMilliseconds: cut,
                                 firstSampleMilliseconds: firstSample))
        }
        if !outcome.begun || (!replied.current && shared.withLock { $0.stopRequested }) {
            missEmergency(queued)   // a stop came first: never begun, or kept off the air before its first sample
        } else if !replied.current {
            reply(EmergencyReply(ok: false, airing: template.airing,
                                 error: tr("không phát được bản tin khẩn cấp", "the emergency bulletin did not air")))
        }
    }
}
