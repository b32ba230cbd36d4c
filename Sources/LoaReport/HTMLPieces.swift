import LoaCore
import LoaL10n
import LoaPlan

/// The HTML report's pictures (topic bars, station × week heat map) and its number and date formats.
extension HTMLReport {
    /// Horizontal bars, one per topic, 0–100 %; topics with nothing owed show a dash. A long topic title wraps
    /// onto a second line (a printed page has no tooltip to show what was cut).
    static func barChart(_ r: Report, _ l: Labels) -> String {
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
            s += "<text x=\"\(x)\" y=\"\(top - 7)\" text-anchor=\"middle\" fill=\"#666\">\(p) %</text>"
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
                s += "<text x=\"\(labelW + w + 4)\" y=\"\(mid + 4)\">\(pct(c, l.lang))</text>"
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
    static func heatMap(_ r: Report, _ l: Labels) -> String {
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

    /// A share as a percent with one decimal, rounded down (99,96 % of stations is not 100 %): `67,5 %` in
    /// Vietnamese, `67.5 %` in English; a dash when nothing was owed.
    static func pct(_ v: Double?, _ lang: Language) -> String {
        guard let v, v.isFinite else { return "—" }
        let tenths = Int((v * 1000 + 1e-6).rounded(.down))
        return "\(num(tenths / 10, lang))\(lang == .vi ? "," : ".")\(tenths % 10) %"
    }

    /// `Hà Nội, ngày 15 tháng 9 năm 2026` / `Hà Nội, 15 September 2026`.
    static func dateLine(_ d: CivilDate, place: String?, _ lang: Language) -> String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"]
        let text = lang == .vi ? "ngày \(d.day) tháng \(d.month) năm \(d.year)" : "\(d.day) \(months[d.month - 1]) \(d.year)"
        return place.map { "\($0), \(text)" } ?? (lang == .vi ? text.prefix(1).uppercased() + text.dropFirst() : text)
    }
}
