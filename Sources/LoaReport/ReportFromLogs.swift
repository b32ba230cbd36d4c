import LoaCore
import Foundation
import LoaPlan

extension ReportBuilder {
    /// Reads the logs at `paths` (each verified in the same pass; a broken chain is reported, not fatal) and builds the
    /// report. A file that cannot be read at all throws its `LogError`.
    ///
    /// Reading and verifying (SQLite and SHA-256 on every row) is nearly all of the time, and each station's log is
    /// independent, so logs are read on one thread per core into compact events (no strings per row) while the
    /// builder counts, log by log in `logPaths` order: the report, and the error thrown when several logs fail (the
    /// first in order), are the same as reading one log after another. Logs travel in pieces of `pieceSize` events,
    /// so memory stays bounded however big one log is (a province's merged log).
    public static func build(plan: Plan, span: DateRange, logPaths: [String], reader: any AiringLogReader,
                             owed: @escaping (Message, Station) -> [Due], stations: Set<String>? = nil,
                             includeRehearsals: Bool = false) throws -> Report {
        try build(plan: plan, span: span, logPaths: logPaths, reader: reader, owed: owed, pieceSize: 65_536,
                  stations: stations, includeRehearsals: includeRehearsals)
    }

    static func build(plan: Plan, span: DateRange, logPaths: [String], reader: any AiringLogReader,
                      owed: @escaping (Message, Station) -> [Due], pieceSize: Int, stations: Set<String>? = nil,
                      includeRehearsals: Bool = false) throws -> Report {
        var builder = ReportBuilder(plan: plan, span: span, owed: owed)
        builder.includeRehearsals = includeRehearsals
        builder.stationFilter = stations
        builder.logsExpected = logPaths.count
        let pipeline = LogPipeline(paths: logPaths, reader: reader, planID: plan.id, timeZone: plan.timezone,
                                   pieceSize: pieceSize, includeRehearsals: includeRehearsals,
                                   workers: max(1, ProcessInfo.processInfo.activeProcessorCount))
        defer { pipeline.cancel() }
        for (i, path) in logPaths.enumerated() {
            builder.beginLog(name: path)
            while true {
                let piece = try pipeline.next(of: i).get()
                builder.add(piece)
                if let chain = piece.chain { builder.endLog(chain: chain); break }
            }
        }
        return builder.report()
    }
}

/// Reads logs on one thread per core while the caller counts what was already read, in `paths` order: counting
/// overlaps reading. At most `window` pieces of logs ahead wait in memory, and at most `window` of the log being
/// counted; the reader of that log is never held up by the others, so the caller always gets its next piece.
private final class LogPipeline: @unchecked Sendable {
    private let paths: [String]
    private let reader: any AiringLogReader
    private let planID: String
    private let timeZone: TimeZone
    private let pieceSize: Int
    private let includeRehearsals: Bool
    private let window: Int
    private let condition = NSCondition()
    private var claimed = 0
    private var current = 0
    private var cancelled = false
    private var waiting = 0
    private var pieces: [Int: [Result<LogRead, any Error>]] = [:]

    init(paths: [String], reader: any AiringLogReader, planID: String, timeZone: TimeZone, pieceSize: Int,
         includeRehearsals: Bool, workers: Int) {
        self.includeRehearsals = includeRehearsals
        self.paths = paths
        self.reader = reader
        self.planID = planID
        self.timeZone = timeZone
        self.pieceSize = pieceSize
        window = workers * 4
        for _ in 0..<min(workers, paths.count) {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The next piece of log `i`; a piece with a `chain` is its last. Call for 0, 1, 2, … in order.
    func next(of i: Int) -> Result<LogRead, any Error> {
        condition.lock()
        defer { condition.unlock() }
        if current != i { current = i; condition.broadcast() }
        while pieces[i, default: []].isEmpty { condition.wait() }
        let piece = pieces[i]!.removeFirst()
        waiting -= 1
        condition.broadcast()
        return piece
    }

    /// Stops handing out logs; readers stop at their next piece.
    func cancel() {
        condition.lock()
        cancelled = true
        claimed = paths.count
        condition.broadcast()
        condition.unlock()
    }

    private func deliver(_ piece: Result<LogRead, any Error>, of i: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, i == current ? pieces[i, default: []].count >= window : waiting >= window {
            condition.wait()
        }
        if cancelled { throw CancellationError() }
        pieces[i, default: []].append(piece)
        waiting += 1
        condition.broadcast()
    }

    private func work() {
        while true {
            condition.lock()
            guard claimed < paths.count else { condition.unlock(); return }
            let i = claimed
            claimed += 1
            condition.unlock()
            var counter = LogCounter(planID: planID, timeZone: timeZone)
            counter.includeRehearsals = includeRehearsals
            do {
                try counter.read(path: paths[i], reader: reader, pieceSize: pieceSize) {
                    try deliver(.success($0), of: i)
                }
            } catch is CancellationError {
                return
            } catch {
                do { try deliver(.failure(error), of: i) } catch { return }
            }
        }
    }
}

/// One event as the builder counts it; `message` and `station` index the `LogRead`'s tables.
struct CountedEvent {
    static let undated = Int32.min
    static let noMessage: Int32 = -1

    var airing: AiringDigest
    /// NaN when the log has none.
    var planned: Double
    var played: Double
    /// The plan-local day number of its slot (else of its own time), or `undated`.
    var day: Int32
    var message: Int32
    var station: Int32
    var kind: EventKind
    /// Index into `AiringSource.allCases`.
    var source: UInt8
    var otherPlan: Bool
    /// On an ending event: the index of its `started` in the same log when nothing else about the airing comes
    /// between them (the builder then counts the two at once); that `started` is marked `paired`.
    var started: Int32 = -1
    var paired = false

    var countsForPlan: Bool { !otherPlan && message != CountedEvent.noMessage }
}

/// One log read and verified: its readable events in seq order and the ids they name.
struct LogRead {
    var events: [CountedEvent] = []
    var messages: [String] = []
    var stations: [String] = []
    /// Set on a log's last piece.
    var chain: ChainCheck?
    /// Rehearsal rows in this piece (left out of `events` unless rehearsals are included).
    var rehearsals = 0
}

/// Turns one log's rows into `CountedEvent`s straight from SQLite's bytes: strings are made once per distinct
/// id, not per row, which is what lets a year of a city's logs be read in about a second.
struct LogCounter {
    private let planID: [UInt8]
    private var dater: LocalDater
    private var messages = ByteInterner()
    private var stations = ByteInterner()
    /// Consecutive events share a slot: its day is parsed once.
    private var lastSlot: [UInt8] = []
    private var lastSlotDay = CountedEvent.undated
    /// Count rehearsal rows (`--include-rehearsals`) instead of leaving them out.
    var includeRehearsals = false

    init(planID: String, timeZone: TimeZone) {
        self.planID = Array(planID.utf8)
        dater = LocalDater(timeZone: timeZone)
    }

    /// Reads and verifies the log at `path`, handing its events to `deliver` in pieces of `pieceSize`; the last
    /// piece carries the chain check. A `started` is paired with its ending only within a piece.
    mutating func read(path: String, reader: any AiringLogReader, pieceSize: Int,
                       deliver: (LogRead) throws -> Void) throws {
        var piece = LogRead()
        // The latest unpaired `started` of each airing in this piece, so its ending can be paired with it here, on
        // this log's thread, rather than looked up in the builder's tables.
        var pending: [AiringDigest: Int32] = [:]
        let chain = try reader.scan(path: path, { row in
            guard let kind = row.kind else { return }
            if row.rehearsal {
                piece.rehearsals += 1
                guard includeRehearsals else { return }
            }
            var e = counted(row, kind: kind)
            let index = Int32(piece.events.count)
            if kind == .started {
                pending[e.airing] = e.countsForPlan ? index : -1
            } else if let s = pending.removeValue(forKey: e.airing), s >= 0, e.countsForPlan {
                e.started = s
                piece.events[Int(s)].paired = true
            }
            piece.events.append(e)
            if piece.events.count >= pieceSize {
                piece.messages = messages.strings
                piece.stations = stations.strings
                try deliver(piece)
                piece.events.removeAll(keepingCapacity: true)
                piece.rehearsals = 0
                pending.removeAll(keepingCapacity: true)
            }
        })
        piece.messages = messages.strings
        piece.stations = stations.strings
        piece.chain = chain
        try deliver(piece)
    }

    private mutating func counted(_ row: any AiringRowBytes, kind: EventKind) -> CountedEvent {
        // `kind` non-nil means airing, station, plan and at are present.
        let plan = row.plan!
        let ofPlan = plan.count == planID.count && planID.withUnsafeBufferPointer {
            plan.count == 0 || memcmp($0.baseAddress!, plan.baseAddress!, plan.count) == 0
        }
        return CountedEvent(airing: AiringDigest(bytes: row.airing!), planned: row.plannedSeconds ?? .nan,
                            played: row.playedSeconds ?? .nan, day: day(slot: row.slotStart, at: row.at!),
                            message: row.message.map { messages.index($0) } ?? CountedEvent.noMessage,
                            station: stations.index(row.station!), kind: kind,
                            source: UInt8(sourceIndex(row.source ?? .schedule)), otherPlan: !ofPlan)
    }

    private mutating func day(slot: UnsafeBufferPointer<UInt8>?, at: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let slot {
            if lastSlotDay != CountedEvent.undated, lastSlot.withUnsafeBufferPointer({ sameBytes($0, slot) }) {
                return lastSlotDay
            }
            if let d = dater.date(bytes: slot) {
                lastSlot.removeAll(keepingCapacity: true)
                lastSlot.append(contentsOf: slot)
                lastSlotDay = Int32(d.dayNumber)
                return lastSlotDay
            }
        }
        return dater.date(bytes: at).map { Int32($0.dayNumber) } ?? CountedEvent.undated
    }
}

/// Ids seen in a log, each made a `String` once; looking one up costs a hash of its bytes and a compare, not an
/// allocation. A log has a handful of ids (one station, a plan's messages), so a small direct-mapped cache answers
/// nearly every row before the dictionary is asked.
struct ByteInterner {
    private(set) var strings: [String] = []
    private var bytes: [[UInt8]] = []
    private var byHash: [UInt64: [Int32]] = [:]
    private var recent = [Int32](repeating: -1, count: 64)

    mutating func index(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = fnv1a(b)
        let slot = Int(truncatingIfNeeded: h & 63)
        let r = recent[slot]
        if r >= 0, bytes[Int(r)].withUnsafeBufferPointer({ sameBytes($0, b) }) { return r }
        if let candidates = byHash[h] {
            for i in candidates where bytes[Int(i)].withUnsafeBufferPointer({ sameBytes($0, b) }) {
                recent[slot] = i
                return i
            }
        }
        let i = Int32(strings.count)
        bytes.append(Array(b))
        strings.append(String(decoding: b, as: UTF8.self))
        byHash[h, default: []].append(i)
        recent[slot] = i
        return i
    }
}

/// `AiringSource` as a small index (events are kept by the hundred thousand).
func sourceIndex(_ s: AiringSource) -> Int { AiringSource.allCases.firstIndex(of: s) ?? 0 }
