import LoaCore
import LoaL10n
import LoaPlan

/// HTML: one self-contained file (inline CSS and SVG, no scripts, fonts or images from elsewhere) laid out as the
/// report an official hands upward: the issuer's heading, the plan's three figures first in the plan's words with
/// how each is counted, owed against aired, the details, a signature block, and a technical annex with the ids.
/// Prints on A4 with page numbers.
public enum HTMLReport {
    public static func render(_ r: Report, language: Language) -> String {
        let l = Labels(lang: language)
        var h = ""
        h.reserveCapacity(8192 + 400 * (r.pairs.count + r.heat.count * (r.weeks.count + 4)))
        h += """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(l.docTitle)) — \(esc(r.planTitle)) \(date(r.span.from, language))–\(date(r.span.to, language))</title>
            <style>\(css(l))</style></head><body>

            """
        h += heading(r, l)
        if !r.warnings.isEmpty {
            h += "<section class=\"warnings\"><h2>\(esc(l.warnings))</h2><ul>"
            for w in r.warnings { h += "<li>\(esc(w.text(language)))</li>" }
            h += "</ul></section>\n"
        }
        h += figures(r, l)
        h += owedSection(r, l)
        h += details(r, l)
        h += signature(r, l)
        h += annex(r, l)
        h += "</body></html>\n"
        return h
    }

    // MARK: Sections

    private static func heading(_ r: Report, _ l: Labels) -> String {
        let lang = l.lang
        let unit = r.issuer?.unit.map { esc($0.uppercased()) } ?? "&nbsp;"
        let number = r.issuer?.number.map { "\(esc(l.number)): \(esc($0))" } ?? ""
        let made = r.made.map { esc(dateLine($0, place: r.issuer?.place, lang)) } ?? ""
        let scope = r.stationFilter.map { ids in ids.map { esc(r.stationNames[$0] ?? $0) }.joined(separator: ", ") }
            ?? esc(l.allStations)
        return """
            <header class="doc"><table class="head"><tr>
            <td class="unit"><b>\(unit)</b><br><span class="rule-line"></span><br>\(number)</td>
            <td class="nation"><b>\(esc(l.nation))</b><br><b class="motto">\(esc(l.motto))</b><br><i>\(made)</i></td>
            </tr></table>
            <h1>\(esc(l.docTitle))</h1>
            <p class="subtitle"><b>\(esc(l.docSubtitle))</b><br>\(esc(l.plan)): \(esc(r.planTitle))<br>
            \(esc(l.period)): \(date(r.span.from, lang)) – \(date(r.span.to, lang))<br>
            \(esc(l.forStations)): \(scope)</p></header>

            """
    }

    /// The three figures the plan asks for, each with the line saying how it is counted.
    private static func figures(_ r: Report, _ l: Labels) -> String {
        let lang = l.lang, t = r.totals
        var s = "<section id=\"figures\"><h2>\(esc(l.figures))</h2><ol class=\"figures\">"
        s += "<li id=\"fig-products\"><b>\(esc(l.products)):</b> <span class=\"big\">\(num(t.messagesAired, lang))"
            + "</span> \(esc(l.productsMessages)); <span class=\"big\">\(num(t.tally.aired, lang))</span> "
            + "\(esc(l.airings.lowercased())) (\(esc(l.full.lowercased())) \(num(t.tally.full, lang))); "
            + "<span class=\"big\">\(hours(t.tally.airtime, lang))</span> \(esc(l.airtimeHours.lowercased())).<br>"
            + "<span class=\"rule\">\(esc(l.howCounted)): \(esc(l.ruleProducts))</span></li>"
        s += "<li id=\"fig-coverage\"><b>\(esc(l.coverageTitle)):</b> <span class=\"big\">\(pct(t.coverage, lang))"
            + "</span> (\(num(t.pairsMet, lang))/\(num(t.pairsOwing, lang)) \(esc(l.pairsMet.lowercased())))"
        if t.coverage.map({ $0 < 1 }) == true { s += " — \(esc(l.notMetWhy))" }
        s += ".<br><span class=\"rule\">\(esc(l.howCounted)): \(esc(l.ruleCoverage))</span>"
        s += table([l.topic, l.pairsMet, l.coverage], r.topics.map { g in
            [topicName(g, l), "\(num(g.pairsMet, lang))/\(num(g.pairsOwing, lang))", pct(g.coverage, lang)]
        }, numeric: [1, 2], cls: "compact")
        s += table([l.station, l.pairsMet, l.coverage], r.stations.map { g in
            [esc(g.title), "\(num(g.pairsMet, lang))/\(num(g.pairsOwing, lang))", pct(g.coverage, lang)]
        }, numeric: [1, 2], cls: "compact")
        s += "</li><li id=\"fig-reach\"><b>\(esc(l.reachTitle)):</b> "
        if let people = t.peopleReached {
            s += "<span class=\"big\">\(num(people, lang))</span> \(esc(l.people))"
            if let total = t.population { s += " / \(num(total, lang))" }
            if let hh = t.householdsReached {
                s += "; \(num(hh, lang)) \(esc(l.households))"
                if let total = t.households { s += " / \(num(total, lang))" }
            }
            s += "."
        } else if let hh = t.householdsReached {
            s += "<span class=\"big\">\(num(hh, lang))</span> \(esc(l.households))"
                + (t.households.map { " / \(num($0, lang))" } ?? "") + "."
        } else {
            s += esc(l.noPopulation) + "."
        }
        s += "<br><span class=\"rule\">\(esc(l.howCounted)): \(esc(l.ruleReach))</span></li></ol>"
        if !t.airtimeBySource.isEmpty {
            s += "<h3>\(esc(l.sourcesTitle))</h3>"
            s += table([l.sourceCol, l.airtimeHours], t.airtimeBySource.sorted { $0.key < $1.key }.map {
                [esc(l.source($0.key)), hours($0.value, lang)]
            }, numeric: [1], cls: "compact")
        }
        return s + "</section>\n"
    }

    private static func owedSection(_ r: Report, _ l: Labels) -> String {
        let lang = l.lang
        let header = [l.owed, l.delivered, l.shortfall, l.makeups, l.extra, l.earlier, l.fullInPeriod, l.pending,
                      l.unowed, l.coverage]
        func cells(_ t: Tally, _ coverage: Double?) -> [String] {
            [num(t.owed, lang), num(t.delivered, lang), num(t.owed - t.delivered, lang), num(t.makeups, lang),
             num(t.extra, lang), num(t.earlier, lang), num(t.full, lang), num(t.pending, lang), num(t.unowed, lang),
             pct(coverage, lang)]
        }
        var s = "<section id=\"owed\"><h2>\(esc(l.owedTitle))</h2><p class=\"rule\">\(esc(l.ruleOwed))</p>"
        s += "<h3>\(esc(l.perTopic))</h3>"
        s += table([l.topic] + header, r.topics.map { [topicName($0, l)] + cells($0.tally, $0.coverage) }
                   + [["<b>\(esc(l.summary))</b>"] + cells(r.totals.tally, r.totals.coverage)],
                   numeric: Set(1...header.count))
        s += "<h3>\(esc(l.perStation))</h3>"
        s += table([l.station] + header, r.stations.map { [esc($0.title)] + cells($0.tally, $0.coverage) },
                   numeric: Set(1...header.count))
        return s + "</section>\n"
    }

    private static func details(_ r: Report, _ l: Labels) -> String {
        let lang = l.lang
        var s = "<section id=\"details\"><h2>\(esc(l.detailTitle))</h2>"
        s += "<h3>\(esc(l.coverageByTopic))</h3>\(barChart(r, l))"
        s += "<h3>\(esc(l.perStation))</h3>"
        let sources = r.totals.airtimeBySource.keys.sorted()
        s += table([l.station, l.population, l.peopleReached, l.messagesAired, l.airings, l.interrupted, l.preempted,
                    l.missed, l.failed, l.airtimeHours] + sources.map(l.source), r.stations.map { g in
            [esc(g.title), g.population.map { num($0, lang) } ?? "—", g.peopleReached.map { num($0, lang) } ?? "—",
             "\(num(g.messagesAired, lang))/\(num(g.messages, lang))", num(g.tally.aired, lang),
             num(g.tally.interrupted, lang), num(g.tally.preempted, lang), num(g.tally.missed, lang),
             num(g.tally.failed, lang), hours(g.tally.airtime, lang)]
                + sources.map { hours(g.airtimeBySource[$0] ?? 0, lang) }
        }, numeric: Set(1..<(10 + sources.count)))
        s += "<h3>\(esc(l.perMessage))</h3>"
        s += table([l.message, l.topic, l.stationsMet, l.coverage, l.owed, l.delivered, l.fullInPeriod, l.airings,
                    l.airtimeHours], r.messages.map { m in
            [esc(m.title), esc(m.topic ?? ""), "\(num(m.stationsMet, lang))/\(num(m.owingStations, lang))",
             pct(m.coverage, lang), num(m.tally.owed, lang), num(m.tally.delivered, lang), num(m.tally.full, lang),
             num(m.tally.aired, lang), hours(m.tally.airtime, lang)]
        }, numeric: Set(2..<9))
        s += "<h3>\(esc(l.heatMap))</h3>\(heatMap(r, l))"
        return s + "</section>\n"
    }

    private static func signature(_ r: Report, _ l: Labels) -> String {
        let title = r.issuer?.signerTitle ?? l.preparer
        return """
            <section class="sign"><table class="head"><tr>
            <td class="recipients"><b><i>\(esc(l.recipients))</i></b><br>\(l.recipientsLines.map(esc).joined(separator: "<br>"))</td>
            <td class="signer"><b>\(esc(title.uppercased()))</b><br><i>\(esc(l.signHint))</i>
            <div class="sign-space"></div><b>\(esc(r.issuer?.signer ?? ""))</b></td>
            </tr></table></section>

            """
    }

    private static func annex(_ r: Report, _ l: Labels) -> String {
        let lang = l.lang
        var s = "<section id=\"annex\" class=\"annex\"><h2>\(esc(l.annex))</h2><p class=\"note\">\(esc(l.annexNote))</p>"
        var ids = [[esc(l.plan), "<code>\(esc(r.planID))</code>", esc(r.planTitle)]]
        ids += r.stations.map { [esc(l.station), "<code>\(esc($0.id))</code>", esc($0.title)] }
        ids += r.messages.map { [esc(l.message), "<code>\(esc($0.message))</code>", esc($0.title)] }
        s += table([l.kind, l.id, l.name], ids, numeric: [], cls: "compact")
        s += "<h3>\(esc(l.logs))</h3>"
        s += table([l.logs, l.events, l.duplicates, l.otherPlans, l.chain], r.logs.map { log in
            ["<code>\(esc(log.name))</code>", num(log.events, lang), num(log.duplicates, lang),
             num(log.otherPlans, lang), esc(CSVReport.chainText(log.chain, l))]
        }, numeric: [1, 2, 3])
        s += "<h3>\(esc(l.perPair))</h3>"
        s += table([l.messageID, l.stationID, l.met, l.owed, l.delivered, l.makeups, l.extra, l.earlier,
                    l.fullInPeriod, l.pending, l.airings], r.pairs.map { p in
            let t = p.tally
            return ["<code>\(esc(p.message))</code>", "<code>\(esc(p.station))</code>",
                    p.met.map { $0 ? "✔ " + esc(l.yes) : "✘ " + esc(l.no) } ?? "—", num(t.owed, lang),
                    num(t.delivered, lang), num(t.makeups, lang), num(t.extra, lang), num(t.earlier, lang),
                    num(t.full, lang), num(t.pending, lang), num(t.aired, lang)]
        }, numeric: Set(3..<11))
        return s + "</section>\n"
    }

    // MARK: Pieces

    private static func topicName(_ g: GroupRow, _ l: Labels) -> String {
        g.id == "—" ? esc(l.noTopic) : "<b>\(esc(g.id))</b> \(esc(g.title))"
    }

    private static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int>, cls: String = "") -> String {
        var s = cls.isEmpty ? "<table><thead><tr>" : "<table class=\"\(cls)\"><thead><tr>"
        for (i, c) in header.enumerated() { s += numeric.contains(i) ? "<th class=\"n\">\(esc(c))</th>" : "<th>\(esc(c))</th>" }
        s += "</tr></thead><tbody>"
        for row in rows {
            s += "<tr>"
            for (i, c) in row.enumerated() { s += numeric.contains(i) ? "<td class=\"n\">\(c)</td>" : "<td>\(c)</td>" }
            s += "</tr>"
        }
        return s + "</tbody></table>"
    }

    /// A4 with the page number at the foot of every page (CSS page-margin boxes, which Chromium prints).
    static func css(_ l: Labels) -> String {
        """
        @page{size:A4;margin:14mm 12mm 16mm 12mm;
        @bottom-center{content:"\(l.page) " counter(page) " / " counter(pages);font-size:8pt;color:#555}}
        *{box-sizing:border-box}
        body{font-family:"Noto Serif","DejaVu Serif","Liberation Serif","Times New Roman",serif;font-size:10.5pt;
        color:#111;margin:0 auto;max-width:186mm;padding:8px;line-height:1.35}
        table.head{width:100%;border:none;margin:0}table.head td{border:none;text-align:center;vertical-align:top;
        width:50%;font-size:10pt}
        .rule-line{display:inline-block;width:30mm;border-top:1px solid #111;margin:2px 0}
        .motto{text-decoration:underline}
        h1{font-size:15pt;text-align:center;margin:14px 0 2px}.subtitle{text-align:center;margin:0 0 10px}
        h2{font-size:12pt;margin:14px 0 6px;break-after:avoid}h3{font-size:10.5pt;margin:10px 0 4px;break-after:avoid}
        .figures li{margin:0 0 8px}.big{font-size:13pt;font-weight:bold}
        .rule,.note{font-size:8.5pt;color:#444}
        .warnings{border:2px solid #c62828;background:#fdecea;padding:4px 10px;margin:8px 0}
        .warnings h2{color:#c62828;margin:4px 0}.warnings ul{margin:4px 0;padding-left:18px}
        table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-size:8pt;
        font-family:"DejaVu Sans Condensed","DejaVu Sans","Liberation Sans",Arial,sans-serif}
        table.compact{width:auto;min-width:50%}
        thead{display:table-header-group}tr{break-inside:avoid}
        th,td{border:1px solid #bbb;padding:2px 3px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        th{background:#eef3fa;font-size:7pt;font-weight:bold}td.n{text-align:right;white-space:nowrap}th.n{text-align:right}
        code{font-size:7.5pt;overflow-wrap:anywhere}
        table.heat{font-size:6.5pt;width:auto}table.heat td{width:14px;min-width:14px;text-align:center;padding:1px}
        table.heat th{padding:1px 3px;white-space:nowrap;font-weight:normal}
        svg.bars{width:100%;max-width:180mm;height:auto;display:block}
        .sign{break-inside:avoid;margin-top:16px}.sign td.recipients{text-align:left;font-size:9pt}
        .sign-space{height:26mm}
        .annex{break-before:page}
        @media print{body{padding:0;max-width:none}}
        """
    }
}
