import LoaCore
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
    /// Bounds the repair search so a hopelessly over-booked plan still finishes quickly (deterministically):
    /// work steps allowed per slot occurrence of the station.
    static let effortPerSlot = 150
    private var budget = 0
    private var visitStamp: [Int32] = []
    private var generation: Int32 = 0

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
        prepare()
        assign()
    }

    /// Slot occurrences, the messages targeting the station and their obligations.
    mutating func prepare() {
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
        // Closed days as a bit per day of the span (the quota arithmetic asks about every day of every period).
        var closedInSpan = [Bool](repeating: false, count: max(0, last - first + 1))
        for n in closed where n >= first && n <= last { closedInSpan[n - first] = true }
        let spanFirst = first, spanLast = last

        dayStart.reserveCapacity(nDays + 1)
        for d in 0..<nDays {
            dayStart.append(Int32(occs.count))
        budget = Self.effortPerSlot * occs.count + 2_000
            let n = base + d
            if closedInSpan[d] { continue }
            let wd = Weekday(rawValue: ((n % 7) + 10) % 7)!
            for (k, spec) in specs.enumerated() where spec.days.contains(wd) {
                occs.append(Occ(day: Int32(d), spec: Int32(k), cap: Double(spec.lengthSeconds) - intro - outro))
            }
        }
        dayStart.append(Int32(occs.count))

        // Local messages in placing order, which keeps each tier contiguous.
        // Within a tier shorter messages go first: when slots are over-booked that meets the most owed airings.
        let rank = context.rank
        let keys = targeted.map { (i: $0, p: plan.messages[$0].priority.rawValue, d: plan.messages[$0].duration) }
        let order = keys.sorted { a, b in
            if a.p != b.p { return a.p > b.p }
            if a.d != b.d { return a.d < b.d }
            return rank[a.i] < rank[b.i]
        }.map(\.i)
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
                    guard weekdays.contains(Weekday(rawValue: ((n % 7) + 10) % 7)!) else { return false }
                    if n >= spanFirst && n <= spanLast { return !closedInSpan[n - spanFirst] }
                    return !closed.contains(n)
                }
            for detail in details {
                let from = Int32(detail.obligation.from.dayNumber - base)
                let to = Int32(detail.obligation.to.dayNumber - base)
                for d in from...to { obOfDay[l * nDays + Int(d)] = Int32(obs.count) }
                obs.append(Ob(lm: Int32(l), from: from, to: to, detail: detail))
            }
        }

    }

    mutating func assign() {
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

    func isUsable(_ l: Int, _ occ: Int) -> Bool { usable[l * specs.count + Int(occs[occ].spec)] }

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

    /// Makes room for a short obligation along augmenting chains: the message goes into a slot it may use, evicting
    /// an airing that moves to another slot of its own period (within a month of where it was), which may evict
    /// another, and so on (breadth first from every usable slot of the period at once, each slot visited once, each
    /// message moved at most once per chain). Every airing placed stays placed. Stops at the first failed search.
    private mutating func repair(_ o: Int) {
        let l = Int(obs[o].lm)
        while obs[o].scheduled < obs[o].required, budget > 0, augment(l, ob: o) {
            obs[o].scheduled += 1
        }
    }

    private struct Node {
        let occ: Int32
        let incoming: Int32
        let parent: Int32
    }

    private mutating func augment(_ l: Int, ob o: Int) -> Bool {
        generation += 1
        if visitStamp.count != occs.count { visitStamp = Array(repeating: 0, count: occs.count) }
        var nodes: [Node] = []
        for d in Int(obs[o].from)...Int(obs[o].to) where Int(dayCount[l * nDays + d]) < lms[l].maxPerDay {
            for occ in Int(dayStart[d])..<Int(dayStart[d + 1]) where isUsable(l, occ) {
                guard occs[occ].cap >= lms[l].duration, !occs[occ].items.contains(Int32(l)) else { continue }
                nodes.append(Node(occ: Int32(occ), incoming: Int32(l), parent: -1))
                visitStamp[occ] = generation
            }
        }
        var head = 0
        while head < nodes.count, budget > 0 {
            let node = nodes[head]
            let occ = Int(node.occ), x = Int(node.incoming)
            let used = occs[occ].used, cap = occs[occ].cap
            budget -= 1
            if used + lms[x].duration <= cap {
                apply(nodes, end: head)
                return true
            }
            var depth = 0
            var p = head
            while p >= 0 { depth += 1; p = Int(nodes[p].parent) }
            if depth > 5 || nodes.count > 2_000 { head += 1; continue }
            let day = Int(occs[occ].day)
            for k in occs[occ].items.indices {
                let y = occs[occ].items[k], yi = Int(y)
                // Messages already moving along this chain stay where they are.
                var moving = false
                p = head
                while p >= 0 { if nodes[p].incoming == y { moving = true; break }; p = Int(nodes[p].parent) }
                if moving { continue }
                budget -= 1
                guard used - lms[yi].duration + lms[x].duration <= cap else { continue }
                let ob = Int(obOfDay[yi * nDays + day])
                guard ob >= 0 else { continue }
                for d in max(Int(obs[ob].from), day - 31)...min(Int(obs[ob].to), day + 31) {
                    guard d == day || Int(dayCount[yi * nDays + d]) < lms[yi].maxPerDay else { continue }
                    for cand in Int(dayStart[d])..<Int(dayStart[d + 1]) where visitStamp[cand] != generation {
                        budget -= 1
                        guard isUsable(yi, cand), occs[cand].cap >= lms[yi].duration,
                              !occs[cand].items.contains(y) else { continue }
                        visitStamp[cand] = generation
                        nodes.append(Node(occ: Int32(cand), incoming: y, parent: Int32(head)))
                    }
                }
            }
            head += 1
        }
        return false
    }

    /// Carries out a chain found by `augment`: the last slot takes its incoming airing, then each slot up the chain
    /// gives up the airing that moved on and takes its own incoming one.
    private mutating func apply(_ nodes: [Node], end: Int) {
        var i = end
        add(Int(nodes[i].incoming), to: Int(nodes[i].occ))
        while nodes[i].parent >= 0 {
            let moved = Int(nodes[i].incoming)
            i = Int(nodes[i].parent)
            remove(moved, from: Int(nodes[i].occ))
            add(Int(nodes[i].incoming), to: Int(nodes[i].occ))
        }
    }
}
