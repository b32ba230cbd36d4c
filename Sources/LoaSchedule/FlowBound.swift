import LoaCore
import LoaPlan

/// An upper bound on how many owed airings any schedule can meet, by max-flow on a relaxation of the hard rules.
///
/// Per station: source → obligation (capacity: owed) → (message, day) (max_per_day) → slot occurrence (1, only where
/// the message may air and fits alone) → sink (the most messages that can share the slot: the largest k such that
/// the k shortest messages that may use it fit together). Every valid schedule is an integral flow of this network,
/// so its airings cannot exceed the max flow; only the packing of seconds into slots is relaxed.
/// Tiers are cumulative: emergency alone, emergency + priority, all.
public struct FlowBound: Sendable, Hashable {
    /// Index 0: emergency, 1: emergency + priority, 2: all priorities.
    public var cumulative: [Int]
    public init(cumulative: [Int]) { self.cumulative = cumulative }

    public static func compute(_ plan: Plan, stations ids: [String]? = nil) -> FlowBound {
        var chosen = plan.stations
        if let ids { let wanted = Set(ids); chosen = chosen.filter { wanted.contains($0.id) } }
        let context = PlanContext(plan: plan)
        var total = [0, 0, 0]
        for station in chosen {
            var engine = StationScheduler(context: context, station: station, output: plan.period)
            engine.prepare()
            for (k, lowest) in [Priority.emergency, .priority, .normal].enumerated() {
                total[k] += engine.flowBound(lowest: lowest)
            }
        }
        return FlowBound(cumulative: total)
    }
}

extension StationScheduler {
    func flowBound(lowest: Priority) -> Int {
        var net = FlowNetwork(nodes: 2)
        let source = 0, sink = 1
        var occNode = [Int](repeating: -1, count: occs.count)
        var candidates = [[Double]](repeating: [], count: occs.count)
        for ob in obs where lms[Int(ob.lm)].priority >= lowest {
            let l = Int(ob.lm), lm = lms[l]
            let obNode = net.addNode()
            net.addEdge(source, obNode, ob.required)
            for d in Int(ob.from)...Int(ob.to) {
                var dayNode = -1
                for occ in Int(dayStart[d])..<Int(dayStart[d + 1]) where isUsable(l, occ) && occs[occ].cap >= lm.duration {
                    if dayNode < 0 { dayNode = net.addNode(); net.addEdge(obNode, dayNode, lm.maxPerDay) }
                    if occNode[occ] < 0 { occNode[occ] = net.addNode() }
                    net.addEdge(dayNode, occNode[occ], 1)
                    candidates[occ].append(lm.duration)
                }
            }
        }
        for occ in occs.indices where occNode[occ] >= 0 {
            var k = 0, sum = 0.0
            for d in candidates[occ].sorted() { sum += d; if sum > occs[occ].cap { break }; k += 1 }
            net.addEdge(occNode[occ], sink, k)
        }
        return net.maxFlow(source, sink)
    }
}

/// Dinic's max-flow on integer capacities.
struct FlowNetwork {
    private var head: [Int]
    private var next: [Int] = []
    private var to: [Int] = []
    private var cap: [Int] = []

    init(nodes: Int) { head = Array(repeating: -1, count: nodes) }

    mutating func addNode() -> Int { head.append(-1); return head.count - 1 }

    mutating func addEdge(_ a: Int, _ b: Int, _ c: Int) {
        to.append(b); cap.append(c); next.append(head[a]); head[a] = to.count - 1
        to.append(a); cap.append(0); next.append(head[b]); head[b] = to.count - 1
    }

    mutating func maxFlow(_ s: Int, _ t: Int) -> Int {
        var flow = 0
        var level = [Int](repeating: -1, count: head.count)
        var iter = head
        while true {
            for i in level.indices { level[i] = -1 }
            level[s] = 0
            var queue = [s], qi = 0
            while qi < queue.count {
                let v = queue[qi]; qi += 1
                var e = head[v]
                while e >= 0 {
                    if cap[e] > 0, level[to[e]] < 0 { level[to[e]] = level[v] + 1; queue.append(to[e]) }
                    e = next[e]
                }
            }
            if level[t] < 0 { return flow }
            iter = head
            while true {
                let pushed = push(s, t, Int.max, &level, &iter)
                if pushed == 0 { break }
                flow += pushed
            }
        }
    }

    /// Iterative DFS along the level graph; returns the flow pushed along one path.
    private mutating func push(_ s: Int, _ t: Int, _ limit: Int, _ level: inout [Int], _ iter: inout [Int]) -> Int {
        var path: [Int] = []  // edges
        var v = s
        while true {
            if v == t {
                var f = limit
                for e in path { f = min(f, cap[e]) }
                for e in path { cap[e] -= f; cap[e ^ 1] += f }
                return f
            }
            var advanced = false
            while iter[v] >= 0 {
                let e = iter[v]
                if cap[e] > 0, level[to[e]] == level[v] + 1 {
                    path.append(e); v = to[e]; advanced = true; break
                }
                iter[v] = next[e]
            }
            if !advanced {
                if v == s { return 0 }
                level[v] = -1  // dead end
                let e = path.removeLast()
                v = to[e ^ 1]
                iter[v] = next[iter[v]]
            }
        }
    }
}
