import LoaCore
import LoaL10n

/// JSON, format `loa-report/1`. Field names are fixed English snake_case (documented in the README) whatever the
/// language; keys are written in a fixed order, so the same report gives the same bytes.
public enum JSONReport {
    public static func render(_ r: Report) -> String {
        let w = JSONWriter()
        w.object {
            w.field("format") { w.string("loa-report/1") }
            w.field("plan") { w.object { w.field("id") { w.string(r.planID) }; w.field("title") { w.string(r.planTitle) } } }
            w.field("from") { w.string(r.span.from.description) }
            w.field("to") { w.string(r.span.to.description) }
            w.field("made") { r.made.map { w.string($0.description) } ?? w.null() }
            w.field("issuer") {
                if let i = r.issuer {
                    w.object {
                        for (k, v) in [("unit", i.unit), ("number", i.number), ("place", i.place), ("signer", i.signer),
                                       ("signer_title", i.signerTitle)] {
                            w.field(k) { v.map { w.string($0) } ?? w.null() }
                        }
                    }
                } else { w.null() }
            }
            w.field("station_filter") { r.stationFilter.map { f in w.array(f) { w.string($0) } } ?? w.null() }
            w.field("logs") {
                w.array(r.logs) { log in
                    w.object {
                        w.field("name") { w.string(log.name) }
                        w.field("events") { w.int(log.events) }
                        w.field("duplicates") { w.int(log.duplicates) }
                        w.field("other_plan_events") { w.int(log.otherPlans) }
                        w.field("chain_ok") { w.bool(log.chain.isOK) }
                        w.field("first_bad_seq") { log.chain.firstBadSeq.map { w.int(Int($0)) } ?? w.null() }
                        w.field("chain_problem") {
                            if case .broken(_, let fault, _) = log.chain { w.string(fault.message.en) } else { w.null() }
                        }
                    }
                }
            }
            w.field("warnings") {
                w.array(r.warnings) { m in w.object { w.field("vi") { w.string(m.vi) }; w.field("en") { w.string(m.en) } } }
            }
            w.field("totals") {
                w.object {
                    w.field("messages_aired") { w.int(r.totals.messagesAired) }
                    w.field("stations_aired") { w.int(r.totals.stationsAired) }
                    w.field("assignments_owing") { w.int(r.totals.pairsOwing) }
                    w.field("assignments_met") { w.int(r.totals.pairsMet) }
                    w.field("coverage") { w.fraction(r.totals.coverage) }
                    w.field("stations") { w.int(r.totals.stations) }
                    w.field("population") { optional(w, r.totals.population) }
                    w.field("households") { optional(w, r.totals.households) }
                    w.field("people_reached") { optional(w, r.totals.peopleReached) }
                    w.field("households_reached") { optional(w, r.totals.householdsReached) }
                    sources(w, r.totals.airtimeBySource)
                    tally(w, r.totals.tally)
                }
            }
            w.field("topics") { w.array(r.topics) { g in group(w, g, idKey: "topic", titleKey: "title") } }
            w.field("stations") { w.array(r.stations) { g in group(w, g, idKey: "station", titleKey: "name") } }
            w.field("messages") {
                w.array(r.messages) { m in
                    w.object {
                        w.field("message") { w.string(m.message) }
                        w.field("title") { w.string(m.title) }
                        w.field("topic") { m.topic.map { w.string($0) } ?? w.null() }
                        w.field("in_plan") { w.bool(m.inPlan) }
                        w.field("stations_targeted") { w.int(m.targetedStations) }
                        w.field("stations_owing") { w.int(m.owingStations) }
                        w.field("stations_met") { w.int(m.stationsMet) }
                        w.field("coverage") { w.fraction(m.coverage) }
                        tally(w, m.tally)
                    }
                }
            }
            w.field("pairs") {
                w.array(r.pairs) { p in
                    w.object {
                        w.field("message") { w.string(p.message) }
                        w.field("station") { w.string(p.station) }
                        w.field("met") { p.met.map { w.bool($0) } ?? w.null() }
                        tally(w, p.tally)
                    }
                }
            }
            w.field("weeks") { w.array(r.weeks) { w.string($0) } }
            w.field("heat") {
                w.array(r.heat) { h in
                    w.object {
                        w.field("station") { w.string(h.station) }
                        w.field("airings") { w.array(h.counts) { w.int($0) } }
                    }
                }
            }
        }
        w.out += "\n"
        return w.out
    }

    private static func group(_ w: JSONWriter, _ g: GroupRow, idKey: String, titleKey: String) {
        w.object {
            w.field(idKey) { w.string(g.id) }
            w.field(titleKey) { w.string(g.title) }
            w.field("messages") { w.int(g.messages) }
            w.field("messages_aired") { w.int(g.messagesAired) }
            w.field("assignments_owing") { w.int(g.pairsOwing) }
            w.field("assignments_met") { w.int(g.pairsMet) }
            w.field("coverage") { w.fraction(g.coverage) }
            w.field("stations_aired") { w.int(g.stationsAired) }
            if idKey == "station" {
                w.field("population") { optional(w, g.population) }
                w.field("households") { optional(w, g.households) }
                sources(w, g.airtimeBySource)
            }
            w.field("people_reached") { optional(w, g.peopleReached) }
            w.field("households_reached") { optional(w, g.householdsReached) }
            tally(w, g.tally)
        }
    }

    private static func optional(_ w: JSONWriter, _ v: Int?) { v.map { w.int($0) } ?? w.null() }

    /// Airtime per `source`, keys in order.
    private static func sources(_ w: JSONWriter, _ s: [String: Double]) {
        w.field("airtime_by_source_s") {
            w.object { for (k, v) in s.sorted(by: { $0.key < $1.key }) { w.field(k) { w.raw(Seconds.threeDecimals(v)) } } }
        }
    }

    private static func tally(_ w: JSONWriter, _ t: Tally) {
        w.field("owed") { w.int(t.owed) }
        w.field("full") { w.int(t.full) }
        w.field("interrupted") { w.int(t.interrupted) }
        w.field("preempted") { w.int(t.preempted) }
        w.field("missed") { w.int(t.missed) }
        w.field("failed") { w.int(t.failed) }
        w.field("unclosed") { w.int(t.unclosed) }
        w.field("aired") { w.int(t.aired) }
        w.field("airtime_s") { w.raw(Seconds.threeDecimals(t.airtime)) }
        w.field("delivered") { w.int(t.delivered) }
        w.field("makeups") { w.int(t.makeups) }
        w.field("over_delivery") { w.int(t.extra) }
        w.field("before_period") { w.int(t.earlier) }
        w.field("toward_next_report") { w.int(t.pending) }
        w.field("outside_quota") { w.int(t.unowed) }
    }
}

/// A minimal streaming JSON writer: fixed key order, no whitespace, strings escaped per RFC 8259.
final class JSONWriter {
    var out = ""
    private var first = [true]

    private func separate() {
        if first[first.count - 1] { first[first.count - 1] = false } else { out += "," }
    }
    func object(_ body: () -> Void) {
        out += "{"; first.append(true); body(); first.removeLast(); out += "}"
    }
    func array<S: Sequence>(_ items: S, _ each: (S.Element) -> Void) {
        out += "["; first.append(true)
        for item in items { separate(); each(item) }
        first.removeLast(); out += "]"
    }
    func field(_ key: String, _ value: () -> Void) {
        separate(); string(key); out += ":"
        first.append(true); value(); first.removeLast()
    }
    func raw(_ text: String) { out += text }
    func int(_ v: Int) { out += String(v) }
    func bool(_ v: Bool) { out += v ? "true" : "false" }
    func null() { out += "null" }
    /// A share in 0…1 with four decimals, or null.
    func fraction(_ v: Double?) {
        guard let v, v.isFinite else { null(); return }
        let n = Int((v * 10_000).rounded())
        let frac = String(n % 10_000)
        out += String(n / 10_000) + "." + String(repeating: "0", count: 4 - frac.count) + frac
    }
    func string(_ s: String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
