import LoaCore
import Foundation
import LoaL10n
import LoaPlan

/// One quota period a station owes for a message: `required` full airings within `from…to` (P∩W).
public struct Due: Sendable, Hashable {
    public var from: CivilDate
    public var to: CivilDate
    public var required: Int
    public init(from: CivilDate, to: CivilDate, required: Int) { self.from = from; self.to = to; self.required = required }
}

/// Builds a `Report` from a plan and the events of one or more logs. Pure: no clock, no files; feed it events with
/// `add(_:)`, log by log, then call `report()`.
///
/// Counting rules:
/// - An airing is identified by its `airing` id across all logs: the same airing in several logs counts once
///   (the first ending seen wins; later copies are counted as duplicates of their log).
/// - It is dated by its `slot_start` (else its `started` time, else its own time) in the plan's timezone, and
///   counts in the span when that date does.
/// - Its outcome is its ending event: `finished` is a full airing; `interrupted` and `preempted` are counted apart;
///   `failed`, `missed` likewise. A `started` with no ending anywhere is `unclosed`.
/// - Owed: the quota periods (SPEC §1) whose P∩W ends inside the span, in full. A period still running at the
///   span's end is owed in the next report; one that began before the span is owed here and its full airings
///   before the span count toward meeting it. A station met a message when every such period got its full airings.
/// - Events of other plans and intro/outro events (no message) are not counted.
public struct ReportBuilder {
    public let plan: Plan
    public let span: DateRange
    let owed: (Message, Station) -> [Due]
    private var dater: LocalDater

    struct Key: Hashable { var message: Int32; var station: Int32 }
    private struct Open { var key: Key; var day: Int; var planned: Double?; var source: Int }

    var messageIDs: [String] = []
    var messageIndex: [String: Int32] = [:]
    var stationIDs: [String] = []
    var stationIndex: [String: Int32] = [:]
    var pairTable = PairTable()
    private var open: [AiringDigest: Open] = [:]
    /// Airings already counted, by a 128-bit digest of their id: a nation's year is ten million ids, and the
    /// digest keeps that set at a quarter of the memory of the strings. A per-process seeded 64-bit hash beside a
    /// 64-bit FNV-1a make a collision among 10^7 ids about 10^-25 likely (see `AiringDigest`).
    private var done: Set<AiringDigest> = []
    /// Per station index: airings per week of the span.
    var heat: [[Int]] = []
    let firstMonday: Int
    let weekCount: Int

    var logs: [LogSummary] = []
    /// How many logs `build` will feed: sizes the set of counted airings once instead of growing it.
    var logsExpected = 1
    private var current: LogSummary?
    var undated = 0
    /// Per station index, per `AiringSource` index: seconds on air in the span; and which sources occurred.
    var sourceAirtime: [[Double]] = []
    var sourceSeen = [Bool](repeating: false, count: AiringSource.allCases.count)
    /// Airings without a plan message already counted (for airtime by source only).
    private var doneOther: Set<AiringDigest> = []
    /// `--station`: only these stations are reported (every log is still read and verified).
    public var stationFilter: Set<String>?
    /// Count rehearsal rows (`--include-rehearsals`); they are left out otherwise.
    public var includeRehearsals = false
    /// Rehearsal rows met in the logs read.
    var rehearsalEvents = 0

    /// `owed` gives what a station owes for a message, period by period; pass `planObligations(plan, span)` for the
    /// plan's quota (SPEC §1), or a table in tests.
    public init(plan: Plan, span: DateRange, owed: @escaping (Message, Station) -> [Due]) {
        self.plan = plan
        self.span = span
        self.owed = owed
        self.dater = LocalDater(timeZone: plan.timezone)
        firstMonday = span.from.dayNumber - span.from.weekday.rawValue
        weekCount = span.isEmpty ? 0 : (span.to.dayNumber - firstMonday) / 7 + 1
        for m in plan.messages { _ = intern(message: m.id) }
        for s in plan.stations { _ = intern(station: s.id) }
    }

    // MARK: Feeding

    /// Starts the events of one log.
    public mutating func beginLog(name: String) {
        finishLog()
        current = LogSummary(name: name, events: 0, duplicates: 0, otherPlans: 0, chain: .ok(count: 0))
    }

    /// Ends the current log with its `verify()` result.
    public mutating func endLog(chain: ChainCheck) {
        current?.chain = chain
        finishLog()
    }

    public mutating func add(_ e: AiringEvent) {
        if e.rehearsal {
            rehearsalEvents += 1
            guard includeRehearsals else { return }
        }
        let message = e.message.map { intern(message: $0) }
        var station: Int32 = -1
        count(kind: e.kind, ofPlan: e.plan == plan.id, message: message, station: &station, stationID: e.station,
              airing: AiringDigest(e.airing), day: day(of: e), planned: e.plannedSeconds, played: e.playedSeconds,
              source: sourceIndex(e.source))
    }

    /// The events of one log read by `LogCounter`, as the current log's. Their ids are indexes into the read's
    /// own tables; a station becomes the report's only when one of its events is counted.
    mutating func add(_ read: LogRead) {
        rehearsalEvents += read.rehearsals
        if done.count + read.events.count > done.capacity {
            // Growing the set airing by airing rehashes it again and again: size it for the logs still to come.
            let estimate = (done.count + read.events.count / 2) * max(1, logsExpected) / (logs.count + 1)
            if estimate > done.capacity { done.reserveCapacity(estimate) }
        }
        let messages = read.messages.map { intern(message: $0) }
        var stations = [Int32](repeating: -1, count: read.stations.count)
        func add(_ e: CountedEvent) {
            let s = Int(e.station)
            count(kind: e.kind, ofPlan: !e.otherPlan, message: e.message < 0 ? nil : messages[Int(e.message)],
                  station: &stations[s], stationID: read.stations[s], airing: e.airing,
                  day: e.day == CountedEvent.undated ? nil : Int(e.day),
                  planned: e.planned.isNaN ? nil : e.planned, played: e.played.isNaN ? nil : e.played,
                  source: Int(e.source))
        }
        for e in read.events where !e.paired {
            guard e.started >= 0 else { add(e); continue }
            let s = read.events[Int(e.started)]
            // A started and its ending with nothing between them: when the airing is new to the report, counting
            // the two in turn would open it and close it at once, so it is recorded directly.
            if s.day != CountedEvent.undated, open.isEmpty || open[e.airing] == nil, done.insert(e.airing).inserted {
                current?.events += 2
                let st = Int(s.station)
                if stations[st] < 0 { stations[st] = intern(station: read.stations[st]) }
                let planned = s.planned.isNaN ? nil : s.planned
                let seconds = e.played.isNaN ? (e.kind == .finished ? (e.planned.isNaN ? planned : e.planned) : nil)
                    : e.played
                record(Key(message: messages[Int(s.message)], station: stations[st]), day: Int(s.day), kind: e.kind,
                       seconds: seconds ?? 0, source: Int(e.source))
            } else {
                add(s)
                add(e)
            }
        }
    }

    /// `station` is the report's index of `stationID`, or -1 until it is needed (then interned and set).
    private mutating func count(kind: EventKind, ofPlan: Bool, message: Int32?, station: inout Int32,
                                stationID: String, airing digest: AiringDigest, day: Int?, planned: Double?,
                                played: Double?, source: Int) {
        current?.events += 1
        guard ofPlan else { current?.otherPlans += 1; return }
        guard let message else {
            // Intro/outro, emergencies, announcements: no plan message, but airtime by source counts them (once).
            if kind != .started, let day, span.contains(CivilDate(dayNumber: day)), doneOther.insert(digest).inserted {
                if station < 0 { station = intern(station: stationID) }
                addAirtime(station: station, source: source,
                           seconds: played ?? (kind == .finished ? planned ?? 0 : 0))
            }
            return
        }
        if done.contains(digest) { current?.duplicates += 1; return }
        switch kind {
        case .started:
            if open[digest] != nil { current?.duplicates += 1; return }
            guard let day else { undated += 1; return }
            if station < 0 { station = intern(station: stationID) }
            open[digest] = Open(key: Key(message: message, station: station), day: day, planned: planned,
                                source: source)
        case .finished, .interrupted, .preempted, .failed, .missed:
            let started = open.removeValue(forKey: digest)
            guard let day = started?.day ?? day else { undated += 1; return }
            done.insert(digest)
            if started == nil, station < 0 { station = intern(station: stationID) }
            let k = started?.key ?? Key(message: message, station: station)
            let seconds = played ?? (kind == .finished ? (planned ?? started?.planned) : nil)
            record(k, day: day, kind: kind, seconds: seconds ?? 0, source: source)
        }
    }

    // MARK: Result

    public mutating func report() -> Report {
        finishLog()
        // Unclosed airings only add to counters, so their order does not matter.
        for (airing, o) in open {
            done.insert(airing)
            record(o.key, day: o.day, kind: nil, seconds: 0, source: o.source)
        }
        open = [:]
        return assemble()
    }

    // MARK: Internals

    /// Airtime in the span by station and source (only sources that aired something are reported).
    private mutating func addAirtime(station: Int32, source: Int, seconds: Double) {
        let s = Int(station)
        while sourceAirtime.count <= s { sourceAirtime.append([Double](repeating: 0, count: AiringSource.allCases.count)) }
        sourceAirtime[s][source] += seconds
        sourceSeen[source] = true
    }

    private mutating func finishLog() {
        if let c = current { logs.append(c); current = nil }
    }

    private mutating func intern(message id: String) -> Int32 {
        if let i = messageIndex[id] { return i }
        let i = Int32(messageIDs.count); messageIDs.append(id); messageIndex[id] = i; return i
    }

    private mutating func intern(station id: String) -> Int32 {
        if let i = stationIndex[id] { return i }
        let i = Int32(stationIDs.count); stationIDs.append(id); stationIndex[id] = i; return i
    }

    private mutating func day(of e: AiringEvent) -> Int? {
        if let s = e.slotStart, let d = dater.date(of: s) { return d.dayNumber }
        return dater.date(of: e.at)?.dayNumber
    }

    /// `kind` nil: started and never ended.
    private mutating func record(_ k: Key, day: Int, kind: EventKind?, seconds: Double, source: Int) {
        let p = pairTable.pair(k)
        if kind == .finished { pairTable.fullDays[p].append(Int32(day)) }
        guard day >= span.from.dayNumber, day <= span.to.dayNumber else { return }
        pairTable.tallied[p] = true
        switch kind {
        case .finished: pairTable.tallies[p].full += 1
        case .interrupted: pairTable.tallies[p].interrupted += 1
        case .preempted: pairTable.tallies[p].preempted += 1
        case .failed: pairTable.tallies[p].failed += 1
        case .missed: pairTable.tallies[p].missed += 1
        case .started, nil: pairTable.tallies[p].unclosed += 1
        }
        pairTable.tallies[p].airtime += seconds
        addAirtime(station: k.station, source: source, seconds: seconds)
        if kind == nil || kind == .finished || kind == .interrupted || kind == .preempted {
            let s = Int(k.station)
            while heat.count <= s { heat.append(Array(repeating: 0, count: weekCount)) }
            heat[s][(day - firstMonday) / 7] += 1
        }
    }
}

/// Per message × station counters in flat arrays: a year of airings is recorded into them hundreds of thousands
/// of times, and a dictionary lookup per record was most of the builder's time.
struct PairTable {
    /// [message][station] → index into the arrays below, or -1.
    private var index: [[Int32]] = []
    private(set) var keys: [ReportBuilder.Key] = []
    var tallies: [Tally] = []
    /// Whether the pair has anything in the span (a pair may hold only full airings from before it).
    var tallied: [Bool] = []
    /// Day numbers of full airings, any date (a period that began before the span needs them).
    var fullDays: [[Int32]] = []

    func find(_ k: ReportBuilder.Key) -> Int? {
        let m = Int(k.message), s = Int(k.station)
        guard m < index.count, s < index[m].count, index[m][s] >= 0 else { return nil }
        return Int(index[m][s])
    }

    mutating func pair(_ k: ReportBuilder.Key) -> Int {
        if let p = find(k) { return p }
        let m = Int(k.message), s = Int(k.station)
        while index.count <= m { index.append([]) }
        while index[m].count <= s { index[m].append(-1) }
        index[m][s] = Int32(keys.count)
        keys.append(k)
        tallies.append(Tally())
        tallied.append(false)
        fullDays.append([])
        return keys.count - 1
    }
}

/// An airing id as 128 bits, from its UTF-8 bytes (byte for byte, as the log stores it): Swift's per-process
/// seeded hash and a 64-bit FNV-1a, so ids chosen to collide in one still differ in the other.
struct AiringDigest: Hashable {
    let a: UInt64
    let b: UInt64

    init(_ id: String) {
        var id = id
        self = id.withUTF8 { AiringDigest(bytes: $0) }
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        var h = Hasher()
        h.combine(bytes: UnsafeRawBufferPointer(bytes))
        a = UInt64(bitPattern: Int64(h.finalize()))
        b = fnv1a(bytes)
    }

    /// `a` is already a seeded hash of the id.
    func hash(into hasher: inout Hasher) { hasher.combine(a) }
}

func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in bytes { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    return h
}

