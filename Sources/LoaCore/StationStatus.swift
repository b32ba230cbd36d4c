import Foundation

/// What a station is doing now (SPEC §7 `GET /api/v1/status`): `{station, plan{id,version}, now, next, device, log,
/// problems[]}`. The station's page shows it; the hub (issue 15) receives the same value.
public struct StationStatus: Sendable, Hashable, Codable {
    /// The plan the station airs: its id and the version (a hash of its files, or the hub's version).
    public struct PlanRef: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        public init(id: String, version: String) { self.id = id; self.version = version }
    }
    /// The airing on air.
    public struct OnAir: Sendable, Hashable, Codable {
        public var airing: String
        public var message: String?
        public var title: String?
        public var source: String
        public var startedAt: String
        public var plannedSeconds: Double?
        public var elapsedSeconds: Double
        public init(airing: String, message: String?, title: String?, source: String, startedAt: String,
                    plannedSeconds: Double?, elapsedSeconds: Double) {
            self.airing = airing; self.message = message; self.title = title; self.source = source
            self.startedAt = startedAt; self.plannedSeconds = plannedSeconds; self.elapsedSeconds = elapsedSeconds
        }
        enum CodingKeys: String, CodingKey {
            case airing, message, title, source, startedAt = "started_at", plannedSeconds = "planned_s"
            case elapsedSeconds = "elapsed_s"
        }
    }
    /// An item still to come, in start order.
    public struct Upcoming: Sendable, Hashable, Codable {
        public var start: String
        public var slot: String
        public var kind: String
        public var message: String?
        public var title: String?
        public var plannedSeconds: Double
        public init(start: String, slot: String, kind: String, message: String?, title: String?, plannedSeconds: Double) {
            self.start = start; self.slot = slot; self.kind = kind; self.message = message; self.title = title
            self.plannedSeconds = plannedSeconds
        }
        enum CodingKeys: String, CodingKey { case start, slot, kind, message, title, plannedSeconds = "planned_s" }
    }
    /// The audio output.
    public struct Device: Sendable, Hashable, Codable {
        public var name: String
        public var ok: Bool
        public init(name: String, ok: Bool) { self.name = name; self.ok = ok }
    }
    /// The airing log.
    public struct Log: Sendable, Hashable, Codable {
        public var path: String
        public var ok: Bool
        public var lastSeq: Int64
        /// Events aired but not yet written (the log refused them for now).
        public var unwritten: Int
        public init(path: String, ok: Bool, lastSeq: Int64, unwritten: Int) {
            self.path = path; self.ok = ok; self.lastSeq = lastSeq; self.unwritten = unwritten
        }
        enum CodingKeys: String, CodingKey { case path, ok, lastSeq = "last_seq", unwritten }
    }
    /// A problem in plain words, both languages; the reader picks one.
    public struct Problem: Sendable, Hashable, Codable {
        /// `device`, `log`, `disk`, `plan`.
        public var kind: String
        public var vi: String
        public var en: String
        public init(kind: String, vi: String, en: String) { self.kind = kind; self.vi = vi; self.en = en }
    }

    /// The playout thread's scheduling class: real time granted, or why not (in plain words, both languages).
    public struct Scheduling: Sendable, Hashable, Codable {
        public var realtime: Bool
        /// `SCHED_FIFO 20` or `SCHED_OTHER`.
        public var policy: String
        public var vi: String
        public var en: String
        public init(realtime: Bool, policy: String, vi: String, en: String) {
            self.realtime = realtime; self.policy = policy; self.vi = vi; self.en = en
        }
    }

    public var station: String
    public var plan: PlanRef
    /// The station's clock when the status was taken (RFC 3339).
    public var at: String
    public var now: OnAir?
    public var next: [Upcoming]
    public var device: Device
    public var log: Log
    public var problems: [Problem]
    /// The fleet's alerts (issue 17); left out by a station that has none to show.
    public var alerts: Alerts?
    /// The playout thread's scheduling; left out by a status that does not know it (older stations).
    public var scheduling: Scheduling?

    public init(station: String, plan: PlanRef, at: String, now: OnAir?, next: [Upcoming], device: Device, log: Log,
                problems: [Problem]) {
        self.station = station; self.plan = plan; self.at = at; self.now = now; self.next = next
        self.device = device; self.log = log; self.problems = problems
    }

    enum CodingKeys: String, CodingKey { case station, plan, at, now, next, device, log, problems, alerts, scheduling }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(station, forKey: .station); try c.encode(plan, forKey: .plan); try c.encode(at, forKey: .at)
        try c.encode(now, forKey: .now)   // `null` when nothing airs, as SPEC §7 says, not left out
        try c.encode(next, forKey: .next); try c.encode(device, forKey: .device); try c.encode(log, forKey: .log)
        try c.encode(problems, forKey: .problems)
        try c.encodeIfPresent(alerts, forKey: .alerts)
        try c.encodeIfPresent(scheduling, forKey: .scheduling)
    }
}
