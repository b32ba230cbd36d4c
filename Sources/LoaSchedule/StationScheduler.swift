import Foundation
import LoaPlan

/// Schedules one station. Days are local indices from `base` (a day number); messages are local indices into `lms`.
///
/// Tier by tier (emergency, priority, normal; within a tier by earlier `to`, then id) each obligation places its
/// airings at evenly spaced eligible days (phase-shifted per message and period so messages do not all pile onto the
/// same days), in the slot the message has used least so far (balancing morning and evening). Then a repair pass
/// moves already placed airings of the tier or above to other slots of their own period to make room for short ones
/// (one-step augmenting paths), so nothing already placed is ever dropped. Lower tiers only see what is left.
struct StationScheduler {
    struct Occ {
        var day: Int32
        var spec: Int32
        var cap: Double
        var used: Double = 0
        var items: [Int32] = []
    }
    struct LocalMessage {
        let index: Int
        let duration: Double
        let maxPerDay: Int
        let priority: Priority
        let phase: Double
    }
    struct Ob {
        let lm: Int32
        let from: Int32
        let to: Int32
        let detail: QuotaArithmetic.Detail
        var scheduled = 0
        var required: Int { detail.obligation.required }
    }

    let context: PlanContext
    let station: Station
    let output: DateRange
    let specs: [SlotSpec]
    let intro: Double
    let outro: Double
    private(set) var base = 0
    private(set) var nDays = 0
    private(set) var occs: [Occ] = []
    /// Occurrences of local day d are `occs[dayStart[d]..<dayStart[d+1]]`, in start order.
    private(set) var dayStart: [Int32] = []
    private(set) var lms: [LocalMessage] = []
    private(set) var usable: [Bool] = []
    private(set) var dayCount: [UInt16] = []
    private var specUse: [Int32] = []
    private var obOfDay: [Int32] = []
    private(set) var obs: [Ob] = []
    /// Bounds the repair search so a hopelessly over-booked plan still finishes quickly (deterministically).
    private var budget = 4_000_000

    init(context: PlanContext, station: Station, output: DateRange) {
        self.context = context
        self.station = station
        self.output = output
        specs = station.slots.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element)
        intro = station.intro?.duration ?? 0
        outro = station.outro?.duration ?? 0
    }

    mutating func run() {
        let plan = context.plan
        let targeted = plan.messages.indices.filter { i in
            let m = plan.messages[i]
            return m.quota.count > 0 && !m.window.isEmpty && m.targets.contains { $0.matches(station) }
        }
        var first = output.from.dayNumber, last = output.to.dayNumber
        for i in targeted {
            first = min(first, plan.messages[i].window.from.dayNumber)
            last = max(last, plan.messages[i].window.to.dayNumber)
        }
        base = first
        nDays = max(0, last - first + 1)
        let closed = Set(station.closed.map(\.dayNumber))

        dayStart.reserveCapacity(nDays + 1)
        for d in 0..<nDays {
            dayStart.append(Int32(occs.count))
            let n = base + d
            if closed.contains(n) { continue }
            let wd = Weekday(rawValue: ((n % 7) + 10) % 7)!
            for (k, spec) in specs.enumerated() where spec.days.contains(wd) {
                occs.append(Occ(day: Int32(d), spec: Int32(k), cap: Double(spec.lengthSeconds) - intro - outro))
            }
        }
        dayStart.append(Int32(occs.count))

        // Local messages in slot order (emergency first, then earlier `to`, then id): also the order they are placed.
        let order = targeted.sorted { context.rank[$0] < context.rank[$1] }
        for i in order {
            let m = plan.messages[i]
            let golden = 0.618_033_988_749_895 * Double(i + 1)
            lms.append(LocalMessage(index: i, duration: m.duration, maxPerDay: max(0, m.maxPerDay),
                                    priority: m.priority, phase: golden - golden.rounded(.down)))
            for spec in specs { usable.append(m.mayUse(spec)) }
        }
        dayCount = Array(repeating: 0, count: lms.count * nDays)
        specUse = Array(repeating: 0, count: lms.count * specs.count)
        obOfDay = Array(repeating: -1, count: lms.count * nDays)

        for (l, lm) in lms.enumerated() {
            let m = plan.messages[lm.index]
            let weekdays = station.usableWeekdays(for: m)
            let details = QuotaArithmetic.detailedObligations(
                message: m.id, station: station.id, quota: m.quota, window: m.window) { n in
                    weekdays.contains(Weekday(rawValue: ((n % 7) + 10) % 7)!) && !closed.contains(n)
                }
            for detail in details {
                let from = Int32(detail.obligation.from.dayNumber - base)
                let to = Int32(detail.obligation.to.dayNumber - base)
                for d in from...to { obOfDay[l * nDays + Int(d)] = Int32(obs.count) }
                obs.append(Ob(lm: Int32(l), from: from, to: to, detail: detail))
            }
        }

        // Obligations are grouped by message, and messages are in placing order.
        var start = 0
        for tier in Priority.allCases.reversed() {
            var end = start
            while end < obs.count, lms[Int(obs[end].lm)].priority == tier { end += 1 }
            var periodIndex = 0
            for o in start..<end {
                periodIndex = o > start && obs[o].lm == obs[o - 1].lm ? periodIndex + 1 : 0
                place(o, periodIndex: periodIndex)
            }
            for o in start..<end where obs[o].scheduled < obs[o].required { repair(o) }
            start = end
        }
    }

    // MARK: placing

    private func isUsable(_ l: Int, _ occ: Int) -> Bool { usable[l * specs.count + Int(occs[occ].spec)] }

    private mutating func place(_ o: Int, periodIndex: Int) {
        let ob = obs[o]
        let l = Int(ob.lm)
        var days: [Int32] = []
        for d in ob.from...ob.to {
            for occ in Int(dayStart[Int(d)])..<Int(dayStart[Int(d) + 1]) where isUsable(l, occ) {
                days.append(d); break
            }
        }
        let n = days.count, r = ob.required
        guard n > 0 else { return }
        let shifted = lms[l].phase + 0.381_966_011_250_105 * Double(periodIndex)
        let phase = shifted - shifted.rounded(.down)
        for k in 0..<r {
            let target = min(n - 1, Int((Double(k) + phase) * Double(n) / Double(r)))
            var placed = false
            var step = 0
            while !placed, target - step >= 0 || target + step < n {
                if target + step < n, tryPlace(l, day: Int(days[target + step]), ob: o) { placed = true }
                else if step > 0, target - step >= 0, tryPlace(l, day: Int(days[target - step]), ob: o) {
                    placed = true
                }
                step += 1
            }
            if !placed { return }  // no day has room now, so none will for the rest either
        }
    }

    /// Puts message `l` in the best slot of `day` that has room: least used by it so far, then emptiest.
    private mutating func tryPlace(_ l: Int, day: Int, ob: Int) -> Bool {
        guard Int(dayCount[l * nDays + day]) < lms[l].maxPerDay else { return false }
        let duration = lms[l].duration
        var best = -1
        for occ in Int(dayStart[day])..<Int(dayStart[day + 1]) where isUsable(l, occ) {
            let o = occs[occ]
            guard o.used + duration <= o.cap, !o.items.contains(Int32(l)) else { continue }
            if best < 0 { best = occ; continue }
            let b = occs[best]
            let useO = specUse[l * specs.count + Int(o.spec)], useB = specUse[l * specs.count + Int(b.spec)]
            if useO < useB || (useO == useB && o.cap - o.used > b.cap - b.used) { best = occ }
        }
        guard best >= 0 else { return false }
        add(l, to: best)
        obs[ob].scheduled += 1
        return true
    }

    private mutating func add(_ l: Int, to occ: Int) {
        occs[occ].items.append(Int32(l))
        occs[occ].used += lms[l].duration
        dayCount[l * nDays + Int(occs[occ].day)] += 1
        specUse[l * specs.count + Int(occs[occ].spec)] += 1
    }

    private mutating func remove(_ l: Int, from occ: Int) {
        occs[occ].items.removeAll { $0 == Int32(l) }
        // Re-summed rather than subtracted so rounding never drifts.
        occs[occ].used = occs[occ].items.reduce(0) { $0 + lms[Int($1)].duration }
        dayCount[l * nDays + Int(occs[occ].day)] -= 1
        specUse[l * specs.count + Int(occs[occ].spec)] -= 1
    }

    // MARK: repair

    /// Makes room for a short obligation by moving an airing already placed to another slot of its own period.
    private mutating func repair(_ o: Int) {
        let l = Int(obs[o].lm)
        let duration = lms[l].duration
        var d = obs[o].from
        while d <= obs[o].to, obs[o].scheduled < obs[o].required, budget > 0 {
            defer { d += 1 }
            guard Int(dayCount[l * nDays + Int(d)]) < lms[l].maxPerDay else { continue }
            occLoop: for occ in Int(dayStart[Int(d)])..<Int(dayStart[Int(d) + 1]) where isUsable(l, occ) {
                guard occs[occ].cap >= duration, !occs[occ].items.contains(Int32(l)) else { continue }
                if occs[occ].used + duration <= occs[occ].cap {
                    add(l, to: occ); obs[o].scheduled += 1; break occLoop
                }
                for x in occs[occ].items {
                    budget -= 1
                    guard budget > 0 else { return }
                    let freed = occs[occ].items.reduce(0) { $0 + ($1 == x ? 0 : lms[Int($1)].duration) }
                    guard freed + duration <= occs[occ].cap, let target = relocation(Int(x), from: occ) else {
                        continue
                    }
                    remove(Int(x), from: occ)
                    add(Int(x), to: target)
                    add(l, to: occ)
                    obs[o].scheduled += 1
                    break occLoop
                }
            }
        }
    }

    /// Another slot in the same obligation period where `x` could air instead of `occ`, nearest day first.
    private mutating func relocation(_ x: Int, from occ: Int) -> Int? {
        let day = Int(occs[occ].day)
        let ob = Int(obOfDay[x * nDays + day])
        guard ob >= 0 else { return nil }
        let lo = Int(obs[ob].from), hi = Int(obs[ob].to)
        let duration = lms[x].duration
        var step = 0
        while day - step >= lo || day + step <= hi {
            for d in step == 0 ? [day] : [day + step, day - step] where d >= lo && d <= hi {
                guard d == day || Int(dayCount[x * nDays + d]) < lms[x].maxPerDay else { continue }
                for cand in Int(dayStart[d])..<Int(dayStart[d + 1]) where cand != occ && isUsable(x, cand) {
                    budget -= 1
                    if occs[cand].used + duration <= occs[cand].cap, !occs[cand].items.contains(Int32(x)) {
                        return cand
                    }
                }
            }
            if budget <= 0 { return nil }
            step += 1
        }
        return nil
    }
}
