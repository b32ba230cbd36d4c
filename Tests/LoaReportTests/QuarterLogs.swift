import LoaCore
import Foundation
import GRDB
import LoaLog
import LoaPlan

/// Deterministic pseudo-random numbers (SplitMix64), so a failing case can be replayed.
struct Mix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
}

/// One log per station of `plan`, as its box would write it over `span`: for every quota period meeting the span
/// (whole, so weeks across its edges air before and after it), the owed airings on the station's usable days, with
/// seeded faults (missed, interrupted, never aired) and a few extra airings; an emergency and a manual
/// announcement at the first station. Written in one transaction per log (the report reads, it does not care
/// how the rows were made durable).
func writeStationLogs(plan: Plan, span: DateRange, dir: URL, seed: UInt64) throws -> [String] {
    var rng = Mix(state: seed)
    var paths: [String] = []
    for (si, station) in plan.stations.enumerated() {
        var events: [AiringEvent] = []
        func air(_ message: String?, _ date: CivilDate, _ slot: SlotSpec, source: AiringSource = .schedule,
                 ending: EventKind?, played: Double?) {
            let hhmm = String(format: "%02d:%02d", slot.start.minutes / 60, slot.start.minutes % 60)
            let slotStart = "\(date)T\(hhmm):00+07:00"
            let id = "\(station.id)@\(slotStart)/\(message ?? source.rawValue)"
            let start = AiringEvent(at: "\(date)T\(hhmm):05.000+07:00", kind: .started, airing: id,
                                    station: station.id, plan: plan.id, message: message, slotStart: slotStart,
                                    source: source, audio: "audio/\(message ?? "announcement").flac",
                                    plannedSeconds: 95)
            if ending != .missed { events.append(start) }
            guard let ending else { return }
            var end = start
            end.kind = ending
            end.at = "\(date)T\(hhmm):59.000+07:00"
            end.playedSeconds = played
            end.detail = ending == .finished ? nil : "\(ending.rawValue) (test)"
            events.append(end)
        }
        for message in plan.messages {
            for due in plan.obligations(for: message, at: station, within: span) {
                // Usable (day, slot) pairs of the period, one per day, spread evenly over it.
                let days = DateRange(from: due.from, to: due.to).days.compactMap { d -> (CivilDate, SlotSpec)? in
                    station.slots(on: d).first { s in message.slotNames.map { $0.contains(s.name) } ?? true }
                        .map { (d, $0) }
                }
                guard !days.isEmpty else { continue }
                let extra = rng.chance(0.08) ? 1 : 0
                let n = min(days.count, due.required + extra)
                for k in 0..<n {
                    let (d, slot) = days[k * days.count / n]
                    let roll = rng.next() % 100
                    switch roll {
                    case 0..<4: continue  // never aired (box off)
                    case 4..<8: air(message.id, d, slot, ending: .missed, played: nil)
                    case 8..<12: air(message.id, d, slot, ending: .interrupted, played: 31.5)
                    case 12..<13: air(message.id, d, slot, ending: nil, played: nil)  // box died mid-airing
                    default: air(message.id, d, slot, ending: .finished, played: 90 + Double(roll % 10))
                    }
                }
            }
        }
        if si == 0, let d = span.days.first(where: { !station.slots(on: $0).isEmpty }),
           let slot = station.slots(on: d).first {
            air(nil, d, slot, source: .emergency, ending: .finished, played: 120)
            air(nil, d.adding(days: 1), slot, source: .manual, ending: .finished, played: 60.5)
        }
        let path = dir.appendingPathComponent("\(station.id).sqlite").path
        _ = try AiringLog(path: path).append(contentsOf: events)
        paths.append(path)
    }
    return paths
}

/// An airing as the logs record it, read with plain SQL (not through LoaLog): the test's own reading.
struct LoggedAiring {
    var station: String
    var message: String?
    var source: String
    var date: String
    var ending: String?
    var played: Double
}

/// Every airing in the logs, its ending from the last ending event; dated by the local date written in
/// `slot_start` (the logs are written in the plan's zone, +07:00).
func readAirings(_ paths: [String], plan: String) throws -> [LoggedAiring] {
    var byID: [String: LoggedAiring] = [:]
    for path in paths {
        let db = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        try db.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT airing, kind, station, message, source, slot_start, played_s FROM events
                WHERE plan = ? ORDER BY seq
                """, arguments: [plan])
            for row in rows {
                let id: String = row["airing"]
                let kind: String = row["kind"]
                let slot: String = row["slot_start"]
                var a = byID[id] ?? LoggedAiring(station: row["station"], message: row["message"], source: row["source"],
                                                 date: String(slot.prefix(10)), ending: nil, played: 0)
                if kind != "started" { a.ending = kind; a.played = row["played_s"] ?? 0 }
                byID[id] = a
            }
        }
    }
    return Array(byID.values)
}
