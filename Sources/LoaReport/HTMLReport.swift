import LoaCore
import LoaL10n
import LoaLog
import LoaPlan

/// HTML: one self-contained file (inline CSS and SVG, no scripts, fonts or images from elsewhere) that prints on A4.
/// Summary first, then the coverage per topic as a bar chart, the station × week heat map of airings, and the tables.
public enum HTMLReport {
    public static func render(_ r: Report, language: Language) -> String {
        let l = Labels(lang: language)
        var h = ""
        h.reserveCapacity(4096 + 300 * (r.pairs.count + r.heat.count * (r.weeks.count + 4)))
        h += """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(l.title)) — \(esc(r.planID)) \(r.span.from)…\(r.span.to)</title>
            <style>\(css)</style></head><body>
            <header><h1>\(esc(l.title))</h1>
            <p class="meta"><b>\(esc(l.plan)):</b> \(esc(r.planTitle)) <span class="id">(\(esc(r.planID)))</span><br>
            <b>\(esc(l.period)):</b> \(date(r.span.from, language)) – \(date(r.span.to, language))</p></header>

            """
        if !r.warnings.isEmpty {
            h += "<section class=\"warnings\"><h2>\(esc(l.warnings))</h2><ul>"
            for w in r.warnings { h += "<li>\(esc(w.text(language)))</li>" }
            h += "</ul></section>\n"
        }
        let t = r.totals
        h += "<section id=\"summary\"><h2>\(esc(l.summary))</h2><div class=\"cards\">"
        h += card(l.coverage, pct(t.coverage), "\(num(t.pairsMet, language))/\(num(t.pairsOwing, language)) "
                  + esc(l.pairsMet.lowercased()))
        h += card(l.messagesAired, num(t.messagesAired, language), "")
        h += card(l.airings, num(t.tally.aired, language),
                  "\(esc(l.full)): \(num(t.tally.full, language))")
        h += card(l.airtimeHours, hours(t.tally.airtime, language), "")
        h += card(l.stationsAired, num(t.stationsAired, language), "")
        h += "</div>"
        h += table([l.owed, l.full, l.interrupted, l.preempted, l.missed, l.failed, l.unclosed],
                   [tallyCells(t.tally, language).dropLast().map { $0 }], numeric: Set(0..<7))
        h += "<p class=\"note\">\(esc(l.notes))</p></section>\n"

        h += "<section id=\"topics-chart\"><h2>\(esc(l.coverageByTopic))</h2>\(barChart(r, l))</section>\n"
        h += "<section id=\"heatmap\"><h2>\(esc(l.heatMap))</h2>\(heatMap(r, l))</section>\n"

        let tallyHeader = [l.owed, l.full, l.interrupted, l.preempted, l.missed, l.failed, l.unclosed, l.airtimeHours]
        h += "<section id=\"per-topic\"><h2>\(esc(l.perTopic))</h2>"
        h += table([l.topic, l.messages, l.messagesAired, l.coverage] + tallyHeader, r.topics.map { g in
            [(g.id == "—" ? esc(l.noTopic) : "<b>\(esc(g.id))</b> \(esc(g.title))"), num(g.messages, language),
             num(g.messagesAired, language), pct(g.coverage)] + tallyCells(g.tally, language)
        }, numeric: Set(1..<12))
        h += "</section>\n<section id=\"per-station\"><h2>\(esc(l.perStation))</h2>"
        h += table([l.station, l.messages, l.messagesAired, l.coverage] + tallyHeader, r.stations.map { g in
            ["\(esc(g.title)) <span class=\"id\">\(esc(g.id))</span>", num(g.messages, language),
             num(g.messagesAired, language), pct(g.coverage)] + tallyCells(g.tally, language)
        }, numeric: Set(1..<12))
        h += "</section>\n<section id=\"per-message\"><h2>\(esc(l.perMessage))</h2>"
        h += table([l.message, l.topic, l.targeted, l.stationsMet, l.coverage] + tallyHeader, r.messages.map { m in
            ["\(esc(m.title)) <span class=\"id\">\(esc(m.message))</span>", esc(m.topic ?? ""),
             num(m.targetedStations, language), "\(num(m.stationsMet, language))/\(num(m.owingStations, language))",
             pct(m.coverage)] + tallyCells(m.tally, language)
        }, numeric: Set(2..<13))
        h += "</section>\n<section id=\"per-pair\"><h2>\(esc(l.perPair))</h2>"
        h += table([l.message, l.station, l.met] + tallyHeader, r.pairs.map { p in
            [esc(p.message), esc(p.station), p.met.map { $0 ? "✔ " + esc(l.yes) : "✘ " + esc(l.no) } ?? "—"]
                + tallyCells(p.tally, language)
        }, numeric: Set(3..<11))
        h += "</section>\n<section id=\"logs\"><h2>\(esc(l.logs))</h2>"
        h += table([l.logs, l.events, l.duplicates, l.chain], r.logs.map { log in
            [esc(log.name), num(log.events, language), num(log.duplicates, language),
             esc(CSVReport.chainText(log.chain, l))]
        }, numeric: [1, 2])
        h += "</section>\n</body></html>\n"
        return h
    }

    // MARK: Pieces

    private static func card(_ label: String, _ value: String, _ sub: String) -> String {
        "<div class=\"card\"><div class=\"label\">\(esc(label))</div><div class=\"value\">\(value)</div>"
            + (sub.isEmpty ? "" : "<div class=\"sub\">\(sub)</div>") + "</div>"
    }

    private static func tallyCells(_ t: Tally, _ lang: Language) -> [String] {
        [num(t.owed, lang), num(t.full, lang), num(t.interrupted, lang), num(t.preempted, lang), num(t.missed, lang),
         num(t.failed, lang), num(t.unclosed, lang), hours(t.airtime, lang)]
    }

    private static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
        var s = "<table><thead><tr>"
        for (i, c) in header.enumerated() { s += numeric.contains(i) ? "<th class=\"n\">\(esc(c))</th>" : "<th>\(esc(c))</th>" }
        s += "</tr></thead><tbody>"
        for row in rows {
            s += "<tr>"
            for (i, c) in row.enumerated() { s += numeric.contains(i) ? "<td class=\"n\">\(c)</td>" : "<td>\(c)</td>" }
            s += "</tr>"
        }
        return s + "</tbody></table>"
    }

    /// Horizontal bars, one per topic, 0–100 %; topics with nothing owed show a dash. A long topic title wraps
    /// onto a second line (a printed page has no tooltip to show what was cut).
    private static func barChart(_ r: Report, _ l: Labels) -> String {
        let lineH = 12, labelW = 300, barW = 380, top = 18
        let labels = r.topics.map { g in
            wrap(g.id == "—" ? l.noTopic : (g.title.isEmpty ? g.id : "\(g.id) \(g.title)"), width: 40, lines: 2)
        }
        let rowHeights = labels.map { 10 + lineH * max(1, $0.count) }
        let height = top + max(22, rowHeights.reduce(0, +)) + 6
        var s = "<svg class=\"bars\" role=\"img\" viewBox=\"0 0 \(labelW + barW + 60) \(height)\" "
            + "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">"
        for p in [0, 25, 50, 75, 100] {
            let x = labelW + barW * p / 100
            s += "<line x1=\"\(x)\" y1=\"\(top - 4)\" x2=\"\(x)\" y2=\"\(height - 4)\" stroke=\"#ccc\"/>"
            s += "<text x=\"\(x)\" y=\"\(top - 7)\" text-anchor=\"middle\" fill=\"#666\">\(p)%</text>"
        }
        var y = top
        for (i, g) in r.topics.enumerated() {
            let lines = labels[i]
            let mid = y + rowHeights[i] / 2
            let firstBaseline = mid + 4 - lineH * (lines.count - 1) / 2
            s += "<text x=\"\(labelW - 6)\" y=\"\(firstBaseline)\" text-anchor=\"end\">"
            for (k, line) in lines.enumerated() {
                s += "<tspan x=\"\(labelW - 6)\" dy=\"\(k == 0 ? 0 : lineH)\">\(esc(line))</tspan>"
            }
            s += "</text>"
            if let c = g.coverage {
                let w = Int((Double(barW) * c).rounded())
                let color = c >= 0.999 ? "#2e7d32" : c >= 0.8 ? "#f9a825" : "#c62828"
                s += "<rect x=\"\(labelW)\" y=\"\(mid - 7)\" width=\"\(max(w, 1))\" height=\"14\" fill=\"\(color)\"/>"
                s += "<text x=\"\(labelW + w + 4)\" y=\"\(mid + 4)\">\(pct(c))</text>"
            } else {
                s += "<text x=\"\(labelW + 4)\" y=\"\(mid + 4)\" fill=\"#666\">— (\(esc(l.owed.lowercased())) 0)</text>"
            }
            y += rowHeights[i]
        }
        return s + "</svg>"
    }

    /// `text` in at most `lines` lines of at most `width` characters, broken between words; what does not fit ends
    /// in "…". A word longer than a line is cut.
    static func wrap(_ text: String, width: Int, lines: Int) -> [String] {
        var out: [String] = []
        var current = ""
        var words = text.split(separator: " ").map(String.init)[...]
        while let word = words.first {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.count <= width {
                current = candidate
                words = words.dropFirst()
            } else if current.isEmpty {
                current = String(word.prefix(width))
                words = words.dropFirst()
                words.insert(String(word.dropFirst(width)), at: words.startIndex)
                out.append(current); current = ""
            } else {
                out.append(current); current = ""
            }
            if out.count == lines { break }
        }
        if !current.isEmpty, out.count < lines { out.append(current) }
        if !words.isEmpty || out.count > lines {
            out = Array(out.prefix(lines))
            let last = out[lines - 1]
            out[lines - 1] = (last.count >= width ? String(last.prefix(width - 1)) : last) + "…"
        }
        return out.isEmpty ? [""] : out
    }

    /// A table coloured by airings per station and ISO week (white = none, dark blue = the busiest cell).
    private static func heatMap(_ r: Report, _ l: Labels) -> String {
        let peak = max(1, r.heat.map { $0.counts.max() ?? 0 }.max() ?? 0)
        var s = "<table class=\"heat\"><thead><tr><th>\(esc(l.station)) \\ \(esc(l.week))</th>"
        for w in r.weeks { s += "<th title=\"\(w)\">\(w.split(separator: "W").last.map(String.init) ?? w)</th>" }
        s += "</tr></thead><tbody>"
        for row in r.heat {
            s += "<tr><th>\(esc(r.stationNames[row.station] ?? row.station))</th>"
            for (i, c) in row.counts.enumerated() {
                let a = Double(c) / Double(peak)
                let light = Int(97 - 62 * a)
                let fg = a > 0.55 ? "#fff" : "#222"
                s += "<td style=\"background:hsl(215,70%,\(light)%);color:\(fg)\" title=\"\(r.weeks[i]): \(c)\">"
                    + (c == 0 ? "" : String(c)) + "</td>"
            }
            s += "</tr>"
        }
        s += "</tbody></table><p class=\"note\">\(esc(l.week)) ISO; \(esc(l.airings.lowercased())): "
            + "\(esc(l.full.lowercased())), \(esc(l.interrupted.lowercased())), \(esc(l.preempted.lowercased())).</p>"
        return s
    }

    // MARK: Formatting

    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Vietnamese groups thousands with `.`, English with `,`.
    static func num(_ n: Int, _ lang: Language) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += lang == .vi ? "." : "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func pct(_ v: Double?) -> String {
        guard let v else { return "—" }
        return CSVReport.percent(v) + "%"
    }

    static func hours(_ seconds: Double, _ lang: Language) -> String {
        let total = Int(seconds.rounded())
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        if h > 0 { return lang == .vi ? "\(num(h, lang)) giờ \(m) phút" : "\(num(h, lang)) h \(m) min" }
        if m > 0 { return lang == .vi ? "\(m) phút \(s) giây" : "\(m) min \(s) s" }
        return lang == .vi ? "\(s) giây" : "\(s) s"
    }

    static func date(_ d: CivilDate, _ lang: Language) -> String {
        lang == .vi ? "\(d.day)/\(d.month)/\(d.year)" : d.description
    }

    static let css = """
        @page{size:A4;margin:12mm}
        *{box-sizing:border-box}
        body{font-family:"Noto Sans","DejaVu Sans","Liberation Sans",Arial,sans-serif;font-size:10pt;color:#222;
        margin:0 auto;max-width:190mm;padding:8px;line-height:1.35}
        h1{font-size:17pt;margin:0 0 4px}h2{font-size:12.5pt;margin:16px 0 6px;border-bottom:2px solid #1e5aa8;
        padding-bottom:2px;color:#1e5aa8;break-after:avoid}
        .meta{margin:0 0 8px}.id{color:#666;font-size:8.5pt}
        .warnings{border:2px solid #c62828;background:#fdecea;padding:4px 10px;margin:8px 0}
        .warnings h2{color:#c62828;border:none;margin:4px 0}.warnings ul{margin:4px 0;padding-left:18px}
        .cards{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
        .card{flex:1 1 30mm;border:1px solid #bbb;border-radius:4px;padding:6px 8px;break-inside:avoid}
        .card .label{font-size:8.5pt;color:#555}.card .value{font-size:16pt;font-weight:bold;color:#1e5aa8}
        .card .sub{font-size:8pt;color:#555}
        table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-size:8.5pt}
        thead{display:table-header-group}tr{break-inside:avoid}
        th,td{border:1px solid #ccc;padding:2px 4px;text-align:left;vertical-align:top}
        th{background:#eef3fa;font-size:7.5pt;hyphens:auto}td.n{text-align:right;white-space:nowrap}th.n{text-align:right}
        td:first-child{min-width:30mm}
        table.heat{font-size:6.5pt;width:auto}table.heat td{width:14px;min-width:14px;text-align:center;padding:1px}
        table.heat th{padding:1px 3px;white-space:nowrap;font-weight:normal}
        svg.bars{width:100%;max-width:180mm;height:auto;display:block}
        .note{font-size:8pt;color:#555}
        @media print{body{padding:0}section{break-inside:auto}}
        """
}
