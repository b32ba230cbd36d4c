import LoaCore
import LoaL10n

/// CSV: UTF-8 with a byte-order mark (so Excel reads Vietnamese correctly), comma-separated, CRLF line ends,
/// RFC 4180 quoting. One file in sections, each a title row, a header row, its rows and a blank row: summary,
/// warnings, logs, per topic, per station, per message, per message and station. Numbers carry no decimals
/// (airtime in whole seconds, coverage in whole percent rounded down so 100 means every station met), so a
/// spreadsheet in a decimal-comma locale reads them as numbers too.
public enum CSVReport {
    public static func render(_ r: Report, language: Language) -> String {
        let l = Labels(lang: language)
        var out = "\u{FEFF}"
        out.reserveCapacity(128 * (r.pairs.count + r.stations.count + 64))
        func row(_ cells: [String]) {
            out += cells.map(cell).joined(separator: ",")
            out += "\r\n"
        }
        func section(_ title: String, _ header: [String]) { row([title]); row(header) }
        func tallyCells(_ t: Tally) -> [String] {
            [String(t.owed), String(t.full), String(t.interrupted), String(t.preempted), String(t.missed),
             String(t.failed), String(t.unclosed), seconds(t.airtime)]
        }
        let tallyHeader = [l.owed, l.full, l.interrupted, l.preempted, l.missed, l.failed, l.unclosed, l.airtime]

        row([l.title])
        row([l.plan, r.planID, r.planTitle])
        row([l.period, r.span.from.description, r.span.to.description])
        row([])
        section(l.summary, [l.messagesAired, l.stationsAired, l.airings, l.pairsOwing, l.pairsMet,
                            l.coverage + " (%)"] + tallyHeader)
        row([String(r.totals.messagesAired), String(r.totals.stationsAired), String(r.totals.tally.aired),
             String(r.totals.pairsOwing), String(r.totals.pairsMet), percent(r.totals.coverage)]
            + tallyCells(r.totals.tally))
        row([])
        if !r.warnings.isEmpty {
            row([l.warnings])
            for w in r.warnings { row([w.text(language)]) }
            row([])
        }
        section(l.logs, [l.logs, l.events, l.duplicates, l.chain])
        for log in r.logs {
            row([log.name, String(log.events), String(log.duplicates), chainText(log.chain, l)])
        }
        row([])
        section(l.perTopic, [l.topic, l.titleCol, l.messages, l.messagesAired, l.pairsOwing, l.pairsMet,
                             l.coverage + " (%)"] + tallyHeader)
        for g in r.topics {
            row([g.id, g.id == "—" ? l.noTopic : g.title, String(g.messages), String(g.messagesAired),
                 String(g.pairsOwing), String(g.pairsMet), percent(g.coverage)] + tallyCells(g.tally))
        }
        row([])
        section(l.perStation, [l.stationID, l.station, l.messages, l.messagesAired, l.pairsOwing, l.pairsMet,
                               l.coverage + " (%)"] + tallyHeader)
        for g in r.stations {
            row([g.id, g.title, String(g.messages), String(g.messagesAired), String(g.pairsOwing),
                 String(g.pairsMet), percent(g.coverage)] + tallyCells(g.tally))
        }
        row([])
        section(l.perMessage, [l.messageID, l.titleCol, l.topic, l.targeted, l.owing, l.stationsMet,
                               l.coverage + " (%)"] + tallyHeader)
        for m in r.messages {
            row([m.message, m.title, m.topic ?? "", String(m.targetedStations), String(m.owingStations),
                 String(m.stationsMet), percent(m.coverage)] + tallyCells(m.tally))
        }
        row([])
        section(l.perPair, [l.messageID, l.stationID, l.met] + tallyHeader)
        for p in r.pairs {
            row([p.message, p.station, p.met.map { $0 ? l.yes : l.no } ?? ""] + tallyCells(p.tally))
        }
        return out
    }

    static func chainText(_ c: ChainCheck, _ l: Labels) -> String {
        switch c {
        case .ok: return l.chainOK
        case .broken(let seq, let fault, _): return "\(l.chainBroken) \(seq): \(fault.message.text(l.lang))"
        }
    }

    /// Whole percent, rounded down: 99.6 % of stations is not 100 %.
    static func percent(_ v: Double?) -> String {
        guard let v else { return "" }
        return String(Int((v * 100 + 1e-9).rounded(.down)))
    }

    static func seconds(_ v: Double) -> String { String(Int(v.rounded())) }

    /// Quotes when needed; a leading `=`, `+`, `@` is neutralised so a title never runs as a spreadsheet formula.
    static func cell(_ s: String) -> String {
        var s = s
        if let first = s.first, "=+@".contains(first) { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
