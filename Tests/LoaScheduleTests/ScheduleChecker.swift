import LoaCore
import Foundation
import LoaPlan

/// Re-derives everything from the plan and the written JSONL, sharing no code with the scheduler except the plan
/// model and contract B (`Plan.obligations`, itself tested on its own). Returns every broken rule, in words.
struct ScheduleChecker {
    let plan: Plan
    /// The days the output covers; over-airing and shortfall lines are only fully checkable over the whole plan.
    let range: DateRange
    let stationIDs: Set<String>

    init(plan: Plan, range: DateRange? = nil, stations: [String]? = nil) {
        self.plan = plan
        self.range = range ?? plan.period
        stationIDs = Set(stations ?? plan.stations.map(\.id))
    }

    struct Line {
        let station: String, date: CivilDate, slot: String, start: String, length: Int, used: Double
        let items: [[String: Any]]
    }

    static func parse(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    static func num(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }

    func check(scheduleText: String, shortfallText: String) throws -> [String] {
        var problems: [String] = []
        func fail(_ s: String) { if problems.count < 50 { problems.append(s) } }
        let lines = try Self.parse(scheduleText).map { o in
            Line(station: o["station"] as! String, date: CivilDate(o["date"] as! String)!, slot: o["slot"] as! String,
                 start: o["start"] as! String, length: (o["length_s"] as! NSNumber).intValue,
                 used: Self.num(o["used_s"]), items: o["items"] as! [[String: Any]])
        }

        // Exactly one line per open (station, day, slot), ordered by station id then start.
        var expected: [(String, CivilDate, SlotSpec)] = []
        for st in plan.stations.filter({ stationIDs.contains($0.id) }).sorted(by: { $0.id < $1.id }) {
            for day in range.days { for spec in st.slots(on: day) { expected.append((st.id, day, spec)) } }
        }
        if lines.count != expected.count { fail("\(lines.count) schedule lines, expected \(expected.count)") }
        for (line, (sid, day, spec)) in zip(lines, expected) {
            if line.station != sid || line.date != day || line.slot != spec.name {
                fail("order: got \(line.station) \(line.date) \(line.slot), expected \(sid) \(day) \(spec.name)")
                return problems
            }
            let hh = spec.start.description
            if line.start != "\(day)T\(hh):00+07:00" { fail("start \(line.start) for \(day) \(hh)") }
            if line.length != spec.lengthSeconds { fail("length \(line.length) ≠ \(spec.lengthSeconds)") }
        }

        let stations = Dictionary(uniqueKeysWithValues: plan.stations.map { ($0.id, $0) })
        let messages = Dictionary(uniqueKeysWithValues: plan.messages.map { ($0.id, $0) })
        var airings: [String: [CivilDate: Int]] = [:]  // "message|station" → day → count
        for line in lines {
            let st = stations[line.station]!
            let at = "\(line.station) \(line.date) \(line.slot)"
            var offset = 0.0, sum = 0.0
            var seen = Set<String>()
            var previousKey: (Int, Int, String)?
            for (i, item) in line.items.enumerated() {
                let kind = item["kind"] as! String
                let off = Self.num(item["offset_s"]), dur = Self.num(item["duration_s"])
                if abs(off - offset) > 0.0005 * Double(i + 1) + 1e-9 { fail("\(at): item \(i) offset \(off), expected \(offset)") }
                offset += dur; sum += dur
                switch kind {
                case "intro":
                    if i != 0 || st.intro == nil { fail("\(at): stray intro") }
                case "outro":
                    if i != line.items.count - 1 || st.outro == nil { fail("\(at): stray outro") }
                case "message":
                    let id = item["message"] as! String
                    guard let m = messages[id] else { fail("\(at): unknown message \(id)"); continue }
                    if !m.targets.contains(where: { $0.matches(st) }) { fail("\(at): \(id) not targeted here") }
                    if !m.window.contains(line.date) { fail("\(at): \(id) outside its window") }
                    if !(m.slotNames?.contains(line.slot) ?? true) { fail("\(at): \(id) not allowed in slot") }
                    if !seen.insert(id).inserted { fail("\(at): \(id) twice in one slot") }
                    if item["priority"] as? String != m.priority.name { fail("\(at): \(id) wrong priority") }
                    if abs(dur - m.duration) > 0.001 { fail("\(at): \(id) duration \(dur) ≠ \(m.duration)") }
                    let key = (-m.priority.rawValue, m.window.to.dayNumber, m.id)
                    if let p = previousKey, !(p < key) { fail("\(at): \(id) out of slot order") }
                    previousKey = key
                    airings["\(id)|\(st.id)", default: [:]][line.date, default: 0] += 1
                default: fail("\(at): unknown kind \(kind)")
                }
            }
            if !line.items.isEmpty {
                if (st.intro != nil) != (line.items.first?["kind"] as? String == "intro") { fail("\(at): intro") }
                if (st.outro != nil) != (line.items.last?["kind"] as? String == "outro") { fail("\(at): outro") }
            }
            if sum > Double(line.length) + 0.001 * Double(line.items.count + 1) {
                fail("\(at): \(sum) s of items in a \(line.length) s slot")
            }
            if abs(sum - line.used) > 0.002 * Double(line.items.count + 1) { fail("\(at): used_s \(line.used) ≠ \(sum)") }
        }

        // Per day, and per obligation period: never more than owed, and shortfalls exactly where short.
        let whole = range == plan.period
        var short: [String: (Int, Int, String)] = [:]
        for f in try Self.parse(shortfallText) {
            let key = "\(f["message"] as! String)|\(f["station"] as! String)|\(f["period"] as! String)"
            if short[key] != nil { fail("duplicate shortfall \(key)") }
            short[key] = ((f["required"] as! NSNumber).intValue, (f["scheduled"] as! NSNumber).intValue,
                          f["reason"] as! String)
            if (f["reason"] as! String).isEmpty || (f["code"] as? String ?? "").isEmpty { fail("\(key): no reason") }
        }
        for m in plan.messages {
            for st in plan.stations where stationIDs.contains(st.id) {
                let perDay = airings["\(m.id)|\(st.id)"] ?? [:]
                for (day, n) in perDay where n > m.maxPerDay { fail("\(m.id)@\(st.id) \(day): \(n) > max_per_day") }
                let obligations = plan.obligations(for: m, at: st)
                var covered = 0
                for ob in obligations {
                    let n = perDay.filter { ob.range.contains($0.key) }.values.reduce(0, +)
                    covered += n
                    if n > ob.required { fail("\(m.id)@\(st.id) \(ob.period): \(n) aired > \(ob.required) owed") }
                    guard whole else { continue }
                    let key = "\(m.id)|\(st.id)|\(ob.period)"
                    if n < ob.required {
                        if let s = short.removeValue(forKey: key) {
                            if s.0 != ob.required || s.1 != n { fail("\(key): shortfall says \(s.0)/\(s.1), is \(ob.required)/\(n)") }
                        } else { fail("\(key): \(n) < \(ob.required) owed but no shortfall line") }
                    }
                }
                let total = perDay.values.reduce(0, +)
                if covered != total { fail("\(m.id)@\(st.id): \(total - covered) airings in periods owing nothing") }
            }
        }
        if whole, !short.isEmpty { fail("shortfall lines with nothing short: \(short.keys.sorted().prefix(3))") }
        return problems
    }
}
