import LoaCore
import Foundation
import LoaL10n

/// What `loa check` tells an operator about one station: airtime offered against airtime the plan owes.
public struct StationLoad: Sendable, Hashable {
    public var station: String
    public var name: String
    public var slotsPerWeek: Int
    /// Seconds a week that messages may fill (slot lengths less intro and outro), before closed days.
    public var roomPerWeek: Double
    /// Messages that target this station.
    public var messages: Int
    /// Averages over the plan's weeks.
    public var owedAiringsPerWeek: Double
    public var owedSecondsPerWeek: Double
    /// The ISO week with the highest owed / available ratio, e.g. `2026-W36`.
    public var peakWeek: String?
    public var peakOwedSeconds: Double
    public var peakRoomSeconds: Double
    public var peakLoad: Double { peakRoomSeconds > 0 ? peakOwedSeconds / peakRoomSeconds : (peakOwedSeconds > 0 ? .infinity : 0) }
}

public struct PlanSummary: Sendable {
    public var stations: [StationLoad]
    public var weeks: Int
    /// Overbooked stations, unairable or unmeetable messages: early warnings, positioned where possible.
    public var warnings: [Diagnostic]
}

extension Plan {
    /// Owed load per station and week, and early warnings. Owed airings of each `obligations(for:at:)` entry are
    /// spread evenly over the days in it on which the station can air the message.
    public func summary() -> PlanSummary {
        let weekKeys = period.days.map(Self.weekKey)
        var weekIndex: [String: Int] = [:]
        for k in weekKeys where weekIndex[k] == nil { weekIndex[k] = weekIndex.count }
        let weekCount = weekIndex.count
        let targeting = stations.map { s in messages.indices.filter { messages[$0].targets.contains { $0.matches(s) } } }

        // Stations of the same shape targeted by the same messages carry the same load: compute it once.
        struct Shape: Hashable {
            var slots: [SlotSpec], closed: Set<CivilDate>, frame: Double, messages: [Int]
        }
        var memo: [Shape: (load: StationLoad, never: [Int], short: [Int])] = [:]
        var loads: [StationLoad] = []
        var never: [Int: [String]] = [:], short: [Int: [String]] = [:]
        for (si, station) in stations.enumerated() {
            let frame = (station.intro?.duration ?? 0) + (station.outro?.duration ?? 0)
            let shape = Shape(slots: station.slots.map { var s = $0; s.location = nil; return s },
                              closed: station.closed, frame: frame, messages: targeting[si])
            let computed = memo[shape] ?? stationLoad(station, messages: targeting[si], weekIndex: weekIndex,
                                                      weekKeys: weekKeys, weekCount: weekCount)
            memo[shape] = computed
            var load = computed.load
            load.station = station.id; load.name = station.name
            loads.append(load)
            for m in computed.never { never[m, default: []].append(station.id) }
            for m in computed.short { short[m, default: []].append(station.id) }
        }

        var warnings: [Diagnostic] = []
        for load in loads where load.peakOwedSeconds > load.peakRoomSeconds + 0.5 {
            let station = self.station(load.station)
            warnings.append(.warning(
                "đài '\(load.station)' quá tải tuần \(load.peakWeek ?? "?"): phải phát \(minutes(load.peakOwedSeconds)) "
                + "nhưng chỉ có \(minutes(load.peakRoomSeconds)) trống",
                "station '\(load.station)' is overbooked in \(load.peakWeek ?? "?"): \(minutes(load.peakOwedSeconds)) "
                + "owed but only \(minutes(load.peakRoomSeconds)) available", at: station?.location))
        }
        for (mi, m) in messages.enumerated() {
            if let ids = never[mi] {
                warnings.append(.warning(
                    "tin '\(m.id)': \(ids.count) đài được nhắm không bao giờ phát được (không có khung giờ hợp lệ "
                    + "trong khoảng phát, hoặc tin dài hơn khung giờ): \(list(ids))",
                    "message '\(m.id)': \(ids.count) targeted station(s) can never air it (no usable slot in its "
                    + "window, or it is longer than the slots): \(list(ids))", at: m.location))
            }
            if let ids = short[mi] {
                warnings.append(.warning(
                    "tin '\(m.id)': \(ids.count) đài không đủ khung giờ để phát đủ số lượt yêu cầu "
                    + "(mỗi khung giờ một lần, tối đa \(m.maxPerDay) lần/ngày): \(list(ids))",
                    "message '\(m.id)': \(ids.count) station(s) have too few slots for the airings owed "
                    + "(once per slot, at most \(m.maxPerDay) a day): \(list(ids))", at: m.location))
            }
        }
        return PlanSummary(stations: loads, weeks: weekCount, warnings: warnings)
    }

    static func weekKey(_ d: CivilDate) -> String {
        let w = d.isoWeek
        return "\(w.year)-W\(w.week < 10 ? "0" : "")\(w.week)"
    }

    private func stationLoad(_ station: Station, messages targeting: [Int], weekIndex: [String: Int],
                             weekKeys: [String], weekCount: Int) -> (load: StationLoad, never: [Int], short: [Int]) {
        // Day numbers and weekday tables instead of dates keep this cheap for thousands of stations.
        let p0 = period.from.dayNumber, p1 = period.to.dayNumber
        let weekOf = weekKeys.map { weekIndex[$0]! }
        let closed = Set(station.closed.map(\.dayNumber))
        var roomByWeekday = [Double](repeating: 0, count: 7)
        for s in station.slots { for w in s.days.days { roomByWeekday[w.rawValue] += room(in: s, at: station) } }
        var roomByWeek = [Double](repeating: 0, count: weekCount)
        var owedByWeek = [Double](repeating: 0, count: weekCount)
        var airingsTotal = 0.0
        if p0 <= p1 {
            for dn in p0...p1 where !closed.contains(dn) { roomByWeek[weekOf[dn - p0]] += roomByWeekday[weekdayIndex(dn)] }
        }
        var never: [Int] = [], short: [Int] = []
        for mi in targeting {
            let m = messages[mi]
            var fitting = [Int](repeating: 0, count: 7)
            for s in station.slots where m.mayUse(s) && m.duration <= room(in: s, at: station) + 0.001 {
                for w in s.days.days { fitting[w.rawValue] += 1 }
            }
            let usable: (Int) -> Int = { dn in closed.contains(dn) ? 0 : fitting[weekdayIndex(dn)] }
            let w0 = m.window.from.dayNumber, w1 = m.window.to.dayNumber
            if w0 > w1 || !(w0...w1).contains(where: { usable($0) > 0 }) { never.append(mi); continue }
            var isShort = false
            for o in obligations(for: m, at: station) where o.required > 0 {
                let o0 = o.from.dayNumber, o1 = o.to.dayNumber
                var eligible = 0, capacity = 0
                for dn in o0...o1 { let u = usable(dn); if u > 0 { eligible += 1; capacity += min(u, m.maxPerDay) } }
                if o.required > capacity { isShort = true }
                guard eligible > 0 else { continue }
                let share = Double(o.required) / Double(eligible)
                let lo = max(o0, p0), hi = min(o1, p1)
                guard lo <= hi else { continue }
                for dn in lo...hi where usable(dn) > 0 {
                    owedByWeek[weekOf[dn - p0]] += share * m.duration
                    airingsTotal += share
                }
            }
            if isShort { short.append(mi) }
        }
        var peak: Int?
        var peakRatio = -1.0
        for w in 0..<weekCount {
            let ratio = roomByWeek[w] > 0 ? owedByWeek[w] / roomByWeek[w] : (owedByWeek[w] > 0 ? .infinity : 0)
            if ratio > peakRatio { peakRatio = ratio; peak = w }
        }
        let keyOf = Dictionary(uniqueKeysWithValues: weekIndex.map { ($1, $0) })
        let weeks = Double(max(1, period.dayCount)) / 7
        let load = StationLoad(
            station: station.id, name: station.name,
            slotsPerWeek: station.slots.reduce(0) { $0 + $1.days.days.count },
            roomPerWeek: roomByWeekday.reduce(0, +),
            messages: targeting.count,
            owedAiringsPerWeek: airingsTotal / weeks,
            owedSecondsPerWeek: owedByWeek.reduce(0, +) / weeks,
            peakWeek: peak.flatMap { keyOf[$0] },
            peakOwedSeconds: peak.map { owedByWeek[$0] } ?? 0,
            peakRoomSeconds: peak.map { roomByWeek[$0] } ?? 0)
        return (load, never, short)
    }
}

/// Monday = 0 for a day number (1970-01-01 was a Thursday).
func weekdayIndex(_ dayNumber: Int) -> Int { ((dayNumber % 7) + 7 + 3) % 7 }

/// `12.5 min`.
func minutes(_ seconds: Double) -> String { String(format: "%.1f min", seconds / 60) }

private func list(_ ids: [String]) -> String {
    ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + ", … (+\(ids.count - 8))"
}
