import LoaCore
import LoaL10n
import LoaReport

/// The report as one Excel workbook: a sheet per table of `ReportTables`, numbers as numbers (counts `#,##0`,
/// shares as percents, airtime in seconds), dates as dates, a bold frozen header row, columns sized to their text.
public enum XLSXReport {
    public static func write(_ report: Report, language: Language, to path: String) throws {
        let book = try Workbook(path: path)
        let header = try book.style(bold: true, wrap: true, background: 0xEEF3FA)
        let count = try book.style(numberFormat: "#,##0")
        let share = try book.style(numberFormat: "0.0%")
        let seconds = try book.style(numberFormat: "#,##0")
        let date = try book.style(numberFormat: "dd/mm/yyyy")
        let wrapped = try book.style(wrap: true)
        for table in ReportTables.make(report, language: language) {
            let sheet = try book.addSheet(table.name)
            var widths = table.header.map { min(28.0, Double($0.count) + 2) }
            for (c, title) in table.header.enumerated() { try sheet.write(0, c, title, header) }
            for (i, row) in table.rows.enumerated() {
                for (c, cell) in row.enumerated() {
                    var width = 10.0
                    switch cell {
                    case .text(let s):
                        // Long explanations wrap in a wide column instead of stretching it.
                        if s.count > 60 { try sheet.write(i + 1, c, s, wrapped); width = 60 } else {
                            try sheet.write(i + 1, c, s); width = Double(s.count) + 2
                        }
                    case .int(let n): try sheet.write(i + 1, c, n, count)
                    case .share(let v): try sheet.write(i + 1, c, v, share)
                    case .seconds(let v): try sheet.write(i + 1, c, v, seconds)
                    case .date(let d): try sheet.write(i + 1, c, d, date); width = 12
                    case .empty: continue
                    }
                    while widths.count <= c { widths.append(8) }
                    widths[c] = max(widths[c], min(width, 60))
                }
            }
            for (c, w) in widths.enumerated() { try sheet.setColumns(c, c, width: max(8, w)) }
            sheet.freeze(rows: 1, columns: table.rows.first.map { $0.count > 4 ? 1 : 0 } ?? 0)
            sheet.landscape()
        }
        try book.close()
    }
}
