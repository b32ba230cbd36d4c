import LoaCore
import LoaL10n
import LoaPlan

/// One value in a `ReportTable`, typed so a spreadsheet gets real numbers and dates, not text.
public enum ReportCell: Sendable, Hashable {
    case text(String)
    case int(Int)
    /// A share in 0…1 (shown as a percent).
    case share(Double)
    /// Seconds of airtime, to the millisecond (as the JSON and the log write them).
    case seconds(Double)
    case date(CivilDate)
    case empty
}

/// A table of the report as the spreadsheet shows it: a name (the sheet's), a header row, typed rows. Names, not
/// ids, except in the technical annex sheets (`annex`).
public struct ReportTable: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[ReportCell]]
    public var annex = false
}

/// The report's tables for the xlsx workbook, one per sheet, in the same numbers as the JSON.
public enum ReportTables {
    public static func make(_ r: Report, language: Language) -> [ReportTable] {
        let l = Labels(lang: language)
        let names = r.stationNames
        func stationName(_ id: String) -> String { names[id] ?? id }
        let messageTitles = Dictionary(r.messages.map { ($0.message, $0.title) }, uniquingKeysWith: { a, _ in a })
        let tallyHeader = [l.owed, l.delivered, l.shortfall, l.makeups, l.extra, l.earlier, l.fullInPeriod,
                           l.interrupted, l.preempted, l.missed, l.failed, l.unclosed, l.airings, l.pending, l.unowed,
                           l.airtime]
        func tally(_ t: Tally) -> [ReportCell] {
            [.int(t.owed), .int(t.delivered), .int(t.owed - t.delivered), .int(t.makeups), .int(t.extra),
             .int(t.earlier), .int(t.full), .int(t.interrupted), .int(t.preempted), .int(t.missed), .int(t.failed),
             .int(t.unclosed), .int(t.aired), .int(t.pending), .int(t.unowed), .seconds(ms(t.airtime))]
        }
        // Four decimals, as the JSON writes them: the workbook holds the JSON's numbers.
        func share(_ v: Double?) -> ReportCell { v.map { .share(($0 * 10_000).rounded() / 10_000) } ?? .empty }
        func ms(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
        func opt(_ v: Int?) -> ReportCell { v.map { .int($0) } ?? .empty }

        let t = r.totals
        var summary: [[ReportCell]] = [
            [.text(l.plan), .text(r.planTitle), .empty],
            [.text(l.from), .date(r.span.from), .empty],
            [.text(l.to), .date(r.span.to), .empty],
        ]
        if let made = r.made { summary.append([.text(l.madeOn), .date(made), .empty]) }
        if let unit = r.issuer?.unit { summary.append([.text(l.issuedBy), .text(unit), .empty]) }
        summary += [
            [.text(l.forStations), .text(r.stationFilter.map { $0.map(stationName).joined(separator: ", ") }
                                         ?? l.allStations), .empty],
            [.text(l.stationsCount), .int(t.stations), .empty],
            [.text(l.products + ": " + l.messagesAired), .int(t.messagesAired), .text(l.ruleProducts)],
            [.text(l.products + ": " + l.airings), .int(t.tally.aired), .empty],
            [.text(l.products + ": " + l.full), .int(t.tally.full), .empty],
            [.text(l.products + ": " + l.airtime), .seconds(ms(t.tally.airtime)), .empty],
            [.text(l.coverageTitle), share(t.coverage), .text(l.ruleCoverage)],
            [.text(l.pairsOwing), .int(t.pairsOwing), .empty],
            [.text(l.pairsMet), .int(t.pairsMet), .empty],
            [.text(l.reachTitle + ": " + l.peopleReached), opt(t.peopleReached), .text(l.ruleReach)],
            [.text(l.population), opt(t.population), .empty],
            [.text(l.reachTitle + ": " + l.householdsReached), opt(t.householdsReached), .empty],
            [.text(l.householdsCol), opt(t.households), .empty],
        ]
        for (i, h) in tallyHeader.enumerated() {
            summary.append([.text(h), tally(t.tally)[i], i == 0 ? .text(l.ruleOwed) : .empty])
        }
        for (source, seconds) in t.airtimeBySource.sorted(by: { $0.key < $1.key }) {
            summary.append([.text(l.sourcesTitle + ": " + l.source(source)), .seconds(ms(seconds)), .empty])
        }

        var tables = [ReportTable(name: l.summary, header: [l.indicator, l.value, l.howCounted], rows: summary)]
        tables.append(ReportTable(
            name: l.perTopic,
            header: [l.topic, l.titleCol, l.messages, l.messagesAired, l.stationsAired, l.pairsOwing, l.pairsMet,
                     l.coverage, l.peopleReached, l.householdsReached] + tallyHeader,
            rows: r.topics.map { g in
                [.text(g.id == "—" ? "" : g.id), .text(g.id == "—" ? l.noTopic : g.title), .int(g.messages),
                 .int(g.messagesAired), .int(g.stationsAired), .int(g.pairsOwing), .int(g.pairsMet), share(g.coverage),
                 opt(g.peopleReached), opt(g.householdsReached)] + tally(g.tally)
            }))
        let sources = t.airtimeBySource.keys.sorted()
        tables.append(ReportTable(
            name: l.perStation,
            header: [l.station, l.population, l.householdsCol, l.messages, l.messagesAired, l.pairsOwing, l.pairsMet,
                     l.coverage, l.peopleReached, l.householdsReached] + tallyHeader
                + sources.map { l.airtime + ": " + l.source($0) },
            rows: r.stations.map { g in
                [.text(g.title), opt(g.population), opt(g.households), .int(g.messages), .int(g.messagesAired),
                 .int(g.pairsOwing), .int(g.pairsMet), share(g.coverage), opt(g.peopleReached),
                 opt(g.householdsReached)] + tally(g.tally) + sources.map { .seconds(ms(g.airtimeBySource[$0] ?? 0)) }
            }))
        tables.append(ReportTable(
            name: l.perMessage,
            header: [l.message, l.topic, l.targeted, l.owing, l.stationsMet, l.coverage] + tallyHeader,
            rows: r.messages.map { m in
                [.text(m.title), .text(m.topic ?? ""), .int(m.targetedStations), .int(m.owingStations),
                 .int(m.stationsMet), share(m.coverage)] + tally(m.tally)
            }))
        tables.append(ReportTable(
            name: l.perPair, header: [l.message, l.station, l.met] + tallyHeader,
            rows: r.pairs.map { p in
                [.text(messageTitles[p.message] ?? p.message), .text(stationName(p.station)),
                 .text(p.met.map { $0 ? l.yes : l.no } ?? "")] + tally(p.tally)
            }))
        tables.append(ReportTable(
            name: l.heatMap, header: [l.station] + r.weeks,
            rows: r.heat.map { h in [.text(stationName(h.station))] + h.counts.map { .int($0) } }))
        if !r.warnings.isEmpty {
            tables.append(ReportTable(name: l.warnings, header: [l.warnings],
                                      rows: r.warnings.map { [.text($0.text(language))] }))
        }
        // Technical annex: ids beside names, and the logs read.
        var ids: [[ReportCell]] = [[.text(l.plan), .text(r.planID), .text(r.planTitle)]]
        ids += r.stations.map { [.text(l.station), .text($0.id), .text($0.title)] }
        ids += r.messages.map { [.text(l.message), .text($0.message), .text($0.title)] }
        tables.append(ReportTable(name: l.annex + " - " + l.id, header: [l.kind, l.id, l.name], rows: ids,
                                  annex: true))
        tables.append(ReportTable(
            name: l.annex + " - " + l.logs, header: [l.logs, l.events, l.duplicates, l.otherPlans, l.chain],
            rows: r.logs.map { log in
                [.text(log.name), .int(log.events), .int(log.duplicates), .int(log.otherPlans),
                 .text(CSVReport.chainText(log.chain, l))]
            }, annex: true))
        return tables
    }
}
