import Foundation
import LoaCore
import LoaL10n
import LoaLog
import LoaPlan
import LoaSystem

/// What serves a daemon's control API (LoaStationWeb's HTTP server); closed when the daemon stops.
public protocol ControlSurface: Sendable {
    func close()
}

/// One scheduled item of a day's programme, with its outcome once the log has one (`GET /api/v1/programme`).
public struct ProgrammeItem: Sendable, Hashable, Codable {
    public var airing: String
    public var kind: String
    public var message: String?
    public var title: String?
    public var start: String
    public var plannedSeconds: Double
    /// The last logged event's kind (`started`, `finished`, `missed`, …), nil while still to come.
    public var outcome: String?
    /// The log's reason, in words.
    public var detail: String?
    /// A relay's outages so far (its `missed` events, and those of its parts resumed after an emergency); nil for
    /// anything but a relay.
    public var outages: [ProgrammeOutage]?
    enum CodingKeys: String, CodingKey {
        case airing, kind, message, title, start, plannedSeconds = "planned_s", outcome, detail, outages
    }
}

/// One outage of a relay as the programme shows it: when it was logged, how long, why.
public struct ProgrammeOutage: Sendable, Hashable, Codable {
    public var at: String
    public var seconds: Double
    public var detail: String?
    public init(at: String, seconds: Double, detail: String?) { self.at = at; self.seconds = seconds; self.detail = detail }
}

/// One slot of a day's programme.
public struct ProgrammeSlot: Sendable, Hashable, Codable {
    public var slot: String
    public var start: String
    public var lengthSeconds: Int
    public var items: [ProgrammeItem]
    enum CodingKeys: String, CodingKey { case slot, start, lengthSeconds = "length_s", items }
}

extension StationDaemon {
    /// The plan airing now.
    public var plan: Plan { current.current.plan }

    /// The station's clock (simulated in rehearsals and tests).
    public func now() -> Date { engine.clock.now() }

    /// The station's date now, in the plan's zone.
    public func today() -> CivilDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = plan.timezone
        let c = cal.dateComponents([.year, .month, .day], from: now())
        return CivilDate(year: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    /// The status of SPEC §7; `diskFolder` is where the log lives (checked for room), `nextCount` how many items
    /// ahead are listed.
    public func status(nextCount: Int = 5) -> StationStatus {
        let (plan, slots) = current.current
        let now = engine.clock.now()
        let zone = plan.timezone
        let stamp = { (d: Date) in Timestamp.format(d, timeZone: zone) }
        var onAir: StationStatus.OnAir?
        if let e = feed.onAir.last {
            let started = Timestamp.parse(e.at) ?? now
            onAir = StationStatus.OnAir(
                airing: e.airing, message: e.message, title: e.message.flatMap { plan.message($0)?.title } ?? e.detail,
                source: e.source.rawValue, startedAt: e.at, plannedSeconds: e.plannedSeconds,
                elapsedSeconds: max(0, now.timeIntervalSince(started)))
        }
        var next: [StationStatus.Upcoming] = []
        // Items already on air or over are not "next", whatever their planned time (a late or early run).
        let begun = Set(feed.recent.map(\.airing)).union(feed.onAir.map(\.airing))
        for slot in slots where slot.end > now {
            for item in slot.items {
                let start = slot.start.addingTimeInterval(item.offset)
                guard start > now || slot.start <= now, !begun.contains(slot.airingID(of: item)) else { continue }
                next.append(.init(start: stamp(start), slot: slot.slot, kind: item.kind.rawValue, message: item.message,
                                  title: item.message.flatMap { plan.message($0)?.title }, plannedSeconds: item.duration))
                if next.count >= nextCount { break }
            }
            if next.count >= nextCount { break }
        }
        var problems: [StationStatus.Problem] = []
        let fault = engine.deviceFault
        if let fault {
            problems.append(.init(kind: "device", vi: "Mất thiết bị âm thanh \(output): \(fault.vi)",
                                  en: "Audio device \(output) lost: \(fault.en)"))
        }
        let logPath = (recorder as? AiringLog)?.path ?? "memory"
        let unwritten = engine.unloggedCount.load(ordering: .relaxed)
        if let why = feed.logFault {
            problems.append(.init(kind: "log", vi: "Nhật ký phát không nhận ghi (\(logPath)): \(why)",
                                  en: "The airing log refuses writes (\(logPath)): \(why)"))
        }
        if let note = logWatch?.note {
            problems.append(.init(kind: "log", vi: note.vi, en: note.en))
        }
        if let path = (recorder as? AiringLog)?.path, let space = diskSpace(at: URL(fileURLWithPath: path)
            .deletingLastPathComponent().path), space.total > 0, Double(space.free) / Double(space.total) < 0.05
            || space.free < 200 << 20 {
            let mb = space.free >> 20
            problems.append(.init(kind: "disk", vi: "Ổ đĩa sắp đầy: còn \(mb) MB", en: "Disk nearly full: \(mb) MB left"))
        }
        var status = StationStatus(
            station: configuration.station, plan: .init(id: plan.id, version: Self.version(of: plan)), at: stamp(now),
            now: onAir, next: next, device: .init(name: output, ok: fault == nil),
            log: .init(path: logPath, ok: feed.logFault == nil && unwritten == 0, lastSeq: feed.lastSeq,
                       unwritten: unwritten),
            problems: problems)
        status.alerts = alerts.board(now: now)
        status.scheduling = engine.realtime.status
        return status
    }

    /// The plan's version: its id with the modification time of its file (a hub-fed plan will carry the hub's).
    static func version(of plan: Plan) -> String {
        let mtime = FileStatus.of(plan.file.path)?.modifiedNanoseconds ?? 0
        return String(mtime / 1_000_000_000, radix: 36)
    }

    /// The day's slots with their items; each item carries its outcome from the log.
    public func programme(on date: CivilDate) throws -> [ProgrammeSlot] {
        let (plan, slots) = current.current
        let zone = plan.timezone
        let day = slots.filter { $0.date == date }
        var outcome: [String: AiringEvent] = [:]
        var missed: [AiringEvent] = []
        for e in try loggedEvents(on: date) {
            if e.kind != .started || outcome[e.airing] == nil { outcome[e.airing] = e }
            if e.kind == .missed && e.source == .relay { missed.append(e) }
        }
        return day.map { slot in
            ProgrammeSlot(slot: slot.slot, start: Timestamp.format(slot.start, timeZone: zone),
                          lengthSeconds: slot.lengthSeconds, items: slot.items.map { item in
                let id = slot.airingID(of: item)
                let e = outcome[id]
                var p = ProgrammeItem(airing: id, kind: item.kind.rawValue, message: item.message,
                                      title: item.message.flatMap { plan.message($0)?.title },
                                      start: Timestamp.format(slot.start.addingTimeInterval(item.offset), timeZone: zone),
                                      plannedSeconds: item.duration, outcome: e?.kind.rawValue, detail: e?.detail)
                if item.kind == .relay {
                    p.outages = missed.filter { $0.airing.hasPrefix(id + "/") && $0.airing.contains("/outage-") }
                        .map { ProgrammeOutage(at: $0.at, seconds: $0.plannedSeconds ?? 0, detail: $0.detail) }
                }
                return p
            })
        }
    }

    /// Events after `seq`, at most `limit`, in log order (`GET /api/v1/log`).
    public func log(after seq: Int64, limit: Int) throws -> [AiringEvent] {
        if let log = recorder as? AiringLog {
            return try log.events(LogFilter(station: configuration.station, afterSeq: seq, limit: limit))
        }
        return Array(try recorder.events(station: configuration.station).filter { $0.seq > seq }.prefix(limit))
    }

    private func loggedEvents(on date: CivilDate) throws -> [AiringEvent] {
        if let log = recorder as? AiringLog {
            return try log.events(LogFilter(station: configuration.station, day: date.description))
        }
        return try recorder.events(station: configuration.station)
    }
}
