import Foundation
import LoaAlerts
import LoaAudio
import LoaCore
import LoaL10n

/// Gets an alert's audio blob from the hub into a local file whose SHA-256 was checked (LoaSync's `AlertAudioStore`,
/// handed over by the face, since this room does not talk to the hub).
public typealias AlertAudioFetch = @Sendable (StationAlert.Blob) async throws -> URL
/// Renders an alert's text in a voice; the default is espeak-ng (LoaAudio).
public typealias AlertSpeech = @Sendable (_ text: String, _ voice: String) throws -> URL

/// The fleet's alerts at one station (issue 17, docs/reference/alerts.md): holds the `StationAlert`s the hub sent,
/// gets each one's audio ready before it is due (fetched and checked, or spoken; measured when there is time), and
/// hands each airing to the engine's own emergency path at its instant: a cut-in alert cuts what plays, a next-slot
/// alert goes first in the next slot. Updates and Cancels stop what they replace, on air too.
///
/// Each airing has a fixed id, `STATION@TIME/alert:IDENTIFIER` (TIME is the instant, in the plan's zone), so the log
/// itself says what already aired: a restart, or the same alert again, never airs an instant twice. Of the instants
/// that passed unaired (the station was off, or learned late) only the latest airs, at once, and only while the
/// alert is in force.
public final class AlertScheduler: @unchecked Sendable {
    enum Audio { case pending, ready(URL), failed(String) }
    struct Held {
        var alert: StationAlert
        var audio: Audio = .pending
        /// When the station took the alert: instants from the latest one due then are the station's to air.
        var arrived: Date
    }
    struct State {
        var held: [String: Held] = [:]
        /// Every key seen (the same alert again is ignored) and, for stopped ones, the alert that stopped them.
        var seen: Set<String> = []
        var stoppedBy: [String: StationAlert] = [:]
        /// Airing ids handed to the engine or logged missed, and which alert each belongs to.
        var posted: [String: String] = [:]
        /// Rows for alerts that never air, written once the engine has read the log (so a replayed alert's row is
        /// recognised as written before, not written again).
        var rows: [AiringEvent] = []
        var started = false
        var closed = false
        /// The slot the engine last opened (start, end): a next-slot alert due by its start whose audio was not ready
        /// then airs in it once the audio is, after the item on air.
        var openSlot: (start: Date, end: Date)?
        /// When the engine started airing (the log read): instants before it passed while the station was off.
        var startedAt: Date?
    }

    let station: String
    let engine: PlayoutEngine
    let sink: any PlayoutSink
    let fetchAudio: AlertAudioFetch?
    let speech: AlertSpeech
    let planID: @Sendable () -> String
    let state = Locked(State())
    /// Wakes the timer thread when alerts arrive or their audio is ready.
    let wake = Signal()
    /// An instant this close is "due now": its audio airs from its first seconds' loudness (issue 13's quick start)
    /// instead of waiting for the whole file to be measured.
    let measureIfAhead: TimeInterval = 3

    init(station: String, engine: PlayoutEngine, sink: any PlayoutSink, fetchAudio: AlertAudioFetch?,
         speech: AlertSpeech?, planID: @escaping @Sendable () -> String) {
        self.station = station; self.engine = engine; self.sink = sink; self.fetchAudio = fetchAudio
        self.planID = planID
        self.speech = speech ?? { text, voice in
            try EspeakRenderer().render(SpeechRequest(text: text, voice: voice)).url
        }
    }

    var timeZone: TimeZone { engine.calendar.timeZone }
    var clock: any PlayoutClock { engine.clock }

    // MARK: receiving

    /// Takes alerts from the hub, in `seq` order. `replayed` marks those read back from the state folder at start:
    /// one expired since is dropped without a word (it was dealt with before the restart).
    public func receive(_ alerts: [StationAlert], replayed: Bool = false) {
        let now = clock.now()
        var prepare: [StationAlert] = [], cuts: [(airing: String, reason: String)] = [], notAired: [AiringEvent] = []
        let onAir = engine.emergencyAiringOnAir
        state.withLock { s in
            for alert in alerts.sorted(by: { $0.seq < $1.seq }) where s.seen.insert(alert.key).inserted {
                for key in alert.stops {
                    s.stoppedBy[key] = alert
                    s.held[key] = nil
                    if let onAir, s.posted[onAir] == key { cuts.append((onAir, Self.stopReason(alert))) }
                }
                guard alert.action == .air, s.stoppedBy[alert.key] == nil else { continue }
                if !alert.airs {
                    notAired.append(missed(alert, at: alert.effective, reason: tr(
                        "không phải cảnh báo thật (diễn tập, thử, hệ thống hoặc bản nháp): không phát",
                        "not an actual alert (exercise, test, system or draft): not aired")))
                } else if let expires = alert.expires, expires <= now {
                    if !replayed {
                        notAired.append(missed(alert, at: alert.effective, reason: tr(
                            "đã hết hiệu lực trước khi đến đài", "expired before it reached this station")))
                    }
                } else {
                    s.held[alert.key] = Held(alert: alert, arrived: now)
                    prepare.append(alert)
                    notAired += passedUnaired(alert, now: now, stationStarted: s.startedAt ?? now)
                }
            }
        }
        for cut in cuts { engine.stopAlert(airing: cut.airing, reason: cut.reason) }
        state.withLock { $0.rows += notAired }
        writeRows()
        for alert in prepare { getAudioReady(alert) }
        poke()
    }

    /// Writes the rows of alerts that never air, once the engine knows what the log holds.
    private func writeRows() {
        let rows = state.withLock { s -> [AiringEvent] in
            guard s.started else { return [] }
            defer { s.rows = [] }
            return s.rows
        }
        let handled = engine.handled.current
        for event in rows where !handled.contains(event.airing) { engine.record(event) }
    }

    static func stopReason(_ by: StationAlert) -> String {
        by.action == .cancel
            ? tr("bị huỷ bởi cảnh báo \(by.identifier)", "cancelled by alert \(by.identifier)")
            : tr("được thay bằng cảnh báo \(by.identifier)", "replaced by alert \(by.identifier)")
    }

    /// Fetches (digest checked by the fetcher) or speaks the alert's audio, and checks it decodes; measures it all
    /// when its first instant is far enough ahead, so the gain is known before the cut.
    private func getAudioReady(_ alert: StationAlert) {
        let fetch = fetchAudio, speech = self.speech, sink = self.sink
        let firstDue = nextInstant(of: alert, after: clock.now().addingTimeInterval(-1)) ?? alert.effective
        let measure = firstDue.timeIntervalSince(clock.now()) > measureIfAhead
        Task.detached { [self] in
            let audio: Audio
            do {
                let url: URL
                if let blob = alert.audio {
                    guard let fetch else {
                        throw AlertAudioError(.noHub, subject: alert.identifier, Localized(
                            vi: "đài không nối với hub để lấy âm thanh", en: "this station has no hub to fetch the audio from"))
                    }
                    url = try await fetch(blob)
                } else if let text = alert.text, !text.isEmpty {
                    url = try speech(text, alert.voice ?? "vi")
                } else {
                    throw AlertAudioError(.nothingToAir, subject: alert.identifier, Localized(
                        vi: "cảnh báo không có âm thanh cũng không có văn bản", en: "the alert has neither audio nor text"))
                }
                _ = try SoundFile(readingFrom: url)
                if measure { try sink.prepare(url) }
                audio = .ready(url)
            } catch {
                audio = .failed(Self.describe(error))
            }
            state.withLock { s in if s.held[alert.key] != nil { s.held[alert.key]?.audio = audio } }
            poke()
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? any LoaError { return e.localized.text() }
        return "\(error)"
    }

    // MARK: airing (called from the engine's loop and the timer thread)

    /// Hands the engine every cut-in airing due at `now` whose audio is ready, and logs `missed` those whose audio
    /// failed. True when it did either.
    func postDue(now: Date) -> Bool {
        let handled = engine.handled.current
        var requests: [(StationAlert, EmergencyRequest)] = [], misses: [AiringEvent] = [], retry: [StationAlert] = []
        state.withLock { s in
            guard !s.closed else { return }
            for held in s.held.values where held.alert.mode == .cutIn {
                let alert = held.alert
                guard let t = latestInstant(of: alert, atOrBefore: now) else { continue }
                let id = airingID(alert, at: t)
                guard s.posted[id] == nil, !handled.contains(id) else { continue }
                switch take(held, id, now: now, startAt: nil, posted: &s.posted) {
                case nil: continue
                case .miss(let event)?:
                    misses.append(event)
                    // The next instant tries again (the hub may be back).
                    s.held[alert.key]?.audio = .pending
                    retry.append(alert)
                case .air(let request)?:
                    requests.append((alert, request))
                    misses += passedWhilePreparing(held, before: t, handled: handled, posted: &s.posted, now: now)
                }
            }
            // A next-slot alert due by the open slot's start whose audio came late: in that slot, after the item
            // on air (the engine keeps the next one off), not a whole slot later.
            if let slot = s.openSlot, slot.end > now {
                takeNextSlot(&s, dueBy: slot.start, inForceAt: now, now: now, startAt: nil, handled: handled,
                             requests: &requests, misses: &misses)
            }
            // A next-slot alert that expired before any slot opened: its last instant is logged as never aired.
            for held in s.held.values where held.alert.mode == .nextSlot {
                let alert = held.alert
                guard let expires = alert.expires, expires <= now else { continue }
                s.held[alert.key] = nil
                guard let t = latestInstant(of: alert, atOrBefore: expires.addingTimeInterval(-0.001)) else { continue }
                let id = airingID(alert, at: t)
                guard s.posted[id] == nil, !handled.contains(id) else { continue }
                s.posted[id] = alert.key
                misses.append(missed(alert, at: now, airing: id, reason: tr(
                    "không có khung giờ nào mở trước khi hết hiệu lực", "no slot opened before it expired")))
            }
        }
        for event in misses { engine.record(event) }
        for alert in retry { getAudioReady(alert) }
        for (_, request) in requests.sorted(by: { $0.0.seq < $1.0.seq }) { engine.emergency(request) { _ in } }
        return !requests.isEmpty || !misses.isEmpty
    }

    /// Next-slot alerts due by `opening` (a slot's start) go first in that slot; true when any was handed over.
    func postFirstInSlot(opening: Date, closing: Date, now: Date) -> Bool {
        let handled = engine.handled.current
        var requests: [(StationAlert, EmergencyRequest)] = [], misses: [AiringEvent] = []
        state.withLock { s in
            guard !s.closed else { return }
            s.openSlot = (opening, closing)
            takeNextSlot(&s, dueBy: opening, inForceAt: opening, now: now, startAt: opening, handled: handled,
                         requests: &requests, misses: &misses)
        }
        for event in misses { engine.record(event) }
        for (_, request) in requests.sorted(by: { $0.0.seq < $1.0.seq }) { engine.emergency(request) { _ in } }
        return !requests.isEmpty
    }

    /// The next-slot alerts' instants due by `dueBy` not yet handed over, still in force at `inForceAt`: to air
    /// from `startAt` (nil: as soon as the engine can), or their `missed` rows when the audio could not be had.
    private func takeNextSlot(_ s: inout State, dueBy: Date, inForceAt: Date, now: Date, startAt: Date?,
                              handled: Set<String>, requests: inout [(StationAlert, EmergencyRequest)],
                              misses: inout [AiringEvent]) {
        for held in s.held.values where held.alert.mode == .nextSlot {
            let alert = held.alert
            if let expires = alert.expires, expires <= inForceAt { continue }
            guard let t = latestInstant(of: alert, atOrBefore: dueBy) else { continue }
            let id = airingID(alert, at: t)
            guard s.posted[id] == nil, !handled.contains(id) else { continue }
            switch take(held, id, now: now, startAt: startAt, posted: &s.posted) {
            case nil: continue
            case .miss(let event)?: misses.append(event)
            case .air(let request)?: requests.append((alert, request))
            }
        }
    }

    enum Taken { case air(EmergencyRequest), miss(AiringEvent) }

    /// Instant `id` of `held`, taken to air: nil while its audio is not ready; else it is marked posted and comes as
    /// the engine's request, or as its `missed` row when the audio could not be had.
    private func take(_ held: Held, _ id: String, now: Date, startAt: Date?, posted: inout [String: String]) -> Taken? {
        switch held.audio {
        case .pending: return nil
        case .failed(let why):
            posted[id] = held.alert.key
            return .miss(missed(held.alert, at: now, airing: id, reason: why))
        case .ready(let url):
            posted[id] = held.alert.key
            return .air(request(held.alert, id, url, startAt: startAt))
        }
    }

    /// Whether the engine, about to air `request`, should: false for an alert stopped or expired meanwhile (an
    /// expired one is logged `missed`).
    func stillWanted(_ request: EmergencyRequest, now: Date) -> Bool {
        guard let airing = request.airing, Self.identifier(ofAiring: airing) != nil else { return true }
        let (held, key) = state.withLock { s -> (Held?, String?) in
            let key = s.posted[airing]
            return (key.flatMap { s.held[$0] }, key)
        }
        guard key != nil, let held else { return false }
        if let expires = held.alert.expires, expires <= now {
            engine.record(missed(held.alert, at: now, airing: airing,
                                 reason: tr("hết hiệu lực trước khi phát được", "expired before it could air")))
            return false
        }
        return true
    }

    /// The next cut-in instant after `now` of any alert held (the engine's wait ends there).
    /// Also a next-slot alert's expiry, where it is logged if no slot took it.
    func nextInstant(after now: Date) -> Date? {
        let alerts = state.withLock { s in s.held.values.map(\.alert) }
        let cutIns = alerts.filter { $0.mode == .cutIn }.compactMap { nextInstant(of: $0, after: now) }
        let expiries = alerts.filter { $0.mode == .nextSlot }.compactMap(\.expires).filter { $0 > now }
        return (cutIns + expiries).min()
    }

    /// Wakes whoever waits for alerts: the engine (idle) and the timer thread (while the engine is busy airing).
    func poke() {
        wake.raise()
        engine.wake.raise()
    }

    /// With a real clock, a thread posts each cut-in at its instant even while the engine is inside a run (the
    /// engine's own loop only looks between runs). A simulated clock has no instants to wait for.
    func start() {
        let now = clock.now()
        state.withLock { $0.started = true; $0.startedAt = now }
        writeRows()
        guard !clock.isSimulated else { return }
        let realtime = engine.options.realtime
        let thread = Thread { [self] in
            // A cut-in's instant is as time-critical as a slot's start; one below the engine, which does the cut.
            let (_, restore) = realtime.enter(thread: "loa-alerts", simulated: false, offset: -1)
            defer { restore() }
            while !state.withLock({ $0.closed }) {
                wake.lower()
                let now = clock.now()
                _ = postDue(now: now)
                let next = nextInstant(after: now).map { $0.timeIntervalSince(clock.now()) } ?? 1
                _ = wake.wait(seconds: min(max(next, 0.001), 1))
            }
        }
        thread.name = "loa-alerts"
        thread.start()
    }

    func close() {
        state.withLock { $0.closed = true }
        wake.raise()
    }

    // MARK: instants and words

    func request(_ alert: StationAlert, _ airing: String, _ url: URL, startAt: Date?) -> EmergencyRequest {
        var r = EmergencyRequest(audio: url, title: alert.identifier)
        r.airing = airing; r.startAt = startAt; r.yields = alert.mode == .nextSlot
        return r
    }

    func airingID(_ alert: StationAlert, at instant: Date) -> String {
        "\(station)@\(Timestamp.format(instant, timeZone: timeZone))/alert:\(alert.identifier)"
    }

    /// The latest instant at or before `date`, from a grid point a day (or one repeat) earlier: `airTimes` counts
    /// at most 10,000 instants, fewer than a week of one-minute repeats holds.
    func latestInstant(of alert: StationAlert, atOrBefore date: Date) -> Date? {
        alert.airTimes(from: gridPoint(alert, before: date.addingTimeInterval(-Double(max(alert.repeatSeconds ?? 0, 86_400)))),
                       to: date.addingTimeInterval(0.001), timeZone: timeZone).last
    }

    func nextInstant(of alert: StationAlert, after date: Date) -> Date? {
        alert.airTimes(from: gridPoint(alert, before: date), to: date.addingTimeInterval(8 * 86_400),
                       timeZone: timeZone).first { $0 > date }
    }

    /// The repeat grid's point at or before `date` (the effective time itself when `date` is earlier): `airTimes`
    /// counts its grid from `from`, so `from` must lie on it.
    func gridPoint(_ alert: StationAlert, before date: Date) -> Date {
        let effective = Date(timeIntervalSince1970: alert.effective.timeIntervalSince1970.rounded(.down))
        guard let step = alert.repeatSeconds, step > 0, date > effective else { return effective }
        let k = (date.timeIntervalSince(effective) / Double(step)).rounded(.down)
        return effective.addingTimeInterval(k * Double(step))
    }

    func missed(_ alert: StationAlert, at: Date, airing: String? = nil, reason: String) -> AiringEvent {
        AiringEvent(at: Timestamp.format(at, timeZone: timeZone), kind: .missed,
                    airing: airing ?? airingID(alert, at: alert.effective), station: station, plan: planID(),
                    message: nil, slotStart: nil, source: .emergency,
                    audio: alert.audio.map { "blobs/\($0.sha256)" }, detail: "\(alert.identifier) (\(reason))")
    }

    /// The alert identifier in an airing id made here, or nil for any other airing.
    public static func identifier(ofAiring airing: String) -> String? {
        guard let range = airing.range(of: "/alert:") else { return nil }
        return String(airing[range.upperBound...])
    }

    /// An alert airing's `detail`: its identifier, then the reason in parentheses when there is one.
    static func detail(_ detail: String?, ofAiring airing: String) -> String? {
        guard let identifier = identifier(ofAiring: airing) else { return detail }
        guard let detail, detail != identifier, !detail.hasPrefix(identifier + " (") else { return detail ?? identifier }
        return "\(identifier) (\(detail))"
    }
}

/// Why an alert's audio could not be had (no hub, nothing to air); the subject is the alert's identifier.
public struct AlertAudioError: LoaError {
    public enum Kind: Sendable { case noHub, nothingToAir }
    public let kind: Kind
    public let subject: String
    public let localized: Localized
    init(_ kind: Kind, subject: String, _ localized: Localized) {
        self.kind = kind; self.subject = subject; self.localized = localized
    }
}
