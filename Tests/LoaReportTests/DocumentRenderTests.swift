import LoaCore
import Foundation
import LoaPlan
import Testing
@testable import LoaReport
import LoaXlsx

/// `python3` as found on PATH, the one scripts/setup installed openpyxl for.
let python = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
    .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/python3"
let pdfinfo = "/usr/bin/pdfinfo", pdftotext = "/usr/bin/pdftotext"

/// Reads a workbook with openpyxl (an independent reader) and prints, per sheet: frozen cell, column widths, and
/// every cell as [type, value] (dates as ISO text).
let openpyxlDump = """
    import json, sys, datetime, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = []
            for c in row:
                v = c.value
                if isinstance(v, datetime.datetime): cells.append(["date", v.date().isoformat()])
                elif isinstance(v, bool): cells.append(["bool", v])
                elif isinstance(v, (int, float)): cells.append(["number", v, c.number_format])
                elif v is None: cells.append(["empty", None])
                else: cells.append(["text", str(v)])
            rows.append(cells)
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        out[ws.title] = {"freeze": ws.freeze_panes, "widths": widths, "rows": rows}
    print(json.dumps({"sheets": wb.sheetnames, "data": out}))
    """

/// Python's openpyxl, as installed by scripts/setup (pip).
let hasOpenpyxl: Bool = (try? run(python, ["-c", "import openpyxl"]).status) == 0

@Suite(.serialized) struct DocumentRenderTests {
    @Test(.enabled(if: hasOpenpyxl)) func xlsxHoldsTheJSONNumbers() throws {
        let f = try DocumentTests.fixture.get()
        let script = f.dir.appendingPathComponent("dump.py")
        try openpyxlDump.write(to: script, atomically: true, encoding: .utf8)
        let r = try run(python, [script.path, f.dir.appendingPathComponent("q3.xlsx").path])
        #expect(r.status == 0, "openpyxl: \(r.out)")
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let sheets = try #require(dump["sheets"] as? [String])
        #expect(Array(sheets.prefix(6)) == ["Tổng hợp", "Theo chủ đề", "Theo đài", "Theo tin", "Theo tin và đài",
                                            "Lượt phát theo đài và tuần"])
        let data = try #require(dump["data"] as? [String: [String: Any]])
        func rows(_ sheet: String) -> [[[Any]]] { (data[sheet]?["rows"] as? [[[Any]]]) ?? [] }
        func number(_ cell: [Any]) -> Double? { cell.first as? String == "number" ? (cell[1] as? NSNumber)?.doubleValue : nil }
        for name in sheets {
            #expect(data[name]?["freeze"] as? String == "A2" || data[name]?["freeze"] as? String == "B2",
                    "\(name): header row not frozen")
            #expect(((data[name]?["widths"] as? [String: Any])?.count ?? 0) > 0, "\(name): no column widths")
        }

        // Summary: label → value; the JSON's totals, as numbers.
        let totals = try #require(f.json["totals"] as? [String: Any])
        let summary = Dictionary(rows("Tổng hợp").dropFirst().compactMap { row -> (String, [Any])? in
            guard let label = row.first, label.first as? String == "text" else { return nil }
            return (label[1] as! String, row[1])
        }, uniquingKeysWith: { a, _ in a })
        func value(_ label: String) -> Double? { summary[label].flatMap(number) }
        #expect(value("Số lượng sản phẩm truyền thông: Số tin đã phát") == Double(totals["messages_aired"] as! Int))
        #expect(value("Số lượng sản phẩm truyền thông: Lượt phát") == Double(totals["aired"] as! Int))
        #expect(value("Số lượng sản phẩm truyền thông: Thời lượng (giây)") == totals["airtime_s"] as? Double)
        #expect(value("Độ phủ thông tin") == totals["coverage"] as? Double)
        #expect(summary["Độ phủ thông tin"]?.last as? String == "0.0%")
        #expect(value("Mức độ tiếp cận: Số người được tiếp cận") == Double(totals["people_reached"] as! Int))
        #expect(value("Phải phát") == Double(totals["owed"] as! Int))
        #expect(value("Tính vào định mức") == Double(totals["delivered"] as! Int))
        #expect(summary["Từ ngày"]?.first as? String == "date" && summary["Từ ngày"]?[1] as? String == "2026-07-01")
        #expect(summary["Ngày lập"]?[1] as? String == "2026-10-05")

        // Per topic and per station: row by row, the JSON's counts, columns found by their header.
        let columns = [("Số tin đã phát", "messages_aired"), ("Lượt giao (tin × đài)", "assignments_owing"),
                       ("Lượt giao đạt", "assignments_met"), ("Độ phủ", "coverage"), ("Phải phát", "owed"),
                       ("Tính vào định mức", "delivered"), ("Phát bù", "makeups"), ("Phát vượt", "over_delivery"),
                       ("Trước kỳ", "before_period"), ("Cho kỳ sau", "toward_next_report"),
                       ("Thời lượng (giây)", "airtime_s"), ("Số người được tiếp cận", "people_reached")]
        for (sheet, key) in [("Theo chủ đề", "topics"), ("Theo đài", "stations"), ("Theo tin", "messages")] {
            let json = try #require(f.json[key] as? [[String: Any]])
            let header = rows(sheet).first?.map { $0[1] as? String } ?? []
            let table = Array(rows(sheet).dropFirst())
            #expect(table.count == json.count)
            for (title, field) in columns {
                guard let c = header.firstIndex(of: title) else {
                    #expect(key == "messages", "\(sheet) has no column \(title)"); continue
                }
                for (row, j) in zip(table, json) {
                    let want = (j[field] as? NSNumber)?.doubleValue
                    #expect(number(row[c]) == want, "\(sheet) \(title): \(String(describing: number(row[c]))) vs \(String(describing: want))")
                }
            }
        }
        // Names, not ids, outside the annex.
        let stationNames = rows("Theo đài").dropFirst().map { $0[0][1] as? String }
        #expect(stationNames.first == "Phường Ba Đình" && !stationNames.contains("ba-dinh"))
        #expect(rows("Theo tin và đài").count == (f.json["pairs"] as! [Any]).count + 1)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium)
                   && FileManager.default.isExecutableFile(atPath: pdfinfo)))
    func printedReportReadsTheFiguresOnPageOne() throws {
        let f = try DocumentTests.fixture.get()
        let pdf = f.dir.appendingPathComponent("q3.pdf")
        // A profile of its own: two Chromiums on one profile (the FormatTests run beside this) refuse to start.
        let flags = chromiumFlags.filter { !$0.hasPrefix("--user-data-dir") }
            + ["--user-data-dir=\(f.dir.appendingPathComponent("chromium-profile").path)"]
        let print = try run(chromium, flags + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)",
                                                       f.dir.appendingPathComponent("q3.html").absoluteString])
        #expect(print.status == 0)
        let info = try run(pdfinfo, [pdf.path]).out
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?
            .split(separator: " ").last ?? "") ?? 0
        #expect(info.contains("(A4)"), "not A4: \(info)")
        #expect((3...12).contains(pages), "\(pages) pages")
        let first = try run(pdftotext, ["-f", "1", "-l", "1", pdf.path, "-"]).out
        let totals = try #require(f.json["totals"] as? [String: Any])
        let coverage = HTMLReport.pct(totals["coverage"] as? Double, .vi)
        for text in ["BÁO CÁO", "Phòng Văn hóa - Thông tin".uppercased(), "Số lượng sản phẩm truyền thông",
                     "Độ phủ thông tin", "Mức độ tiếp cận", "Hà Nội, ngày 5 tháng 10 năm 2026",
                     HTMLReport.num(totals["aired"] as! Int, .vi), coverage,
                     HTMLReport.num(totals["people_reached"] as! Int, .vi), "Trang 1 / \(pages)"] {
            #expect(first.contains(text), "page 1 lacks \(text)")
        }
        // No text cut: every station and message name reaches the paper whole (words may wrap).
        let whole = try run(pdftotext, [pdf.path, "-"]).out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for name in f.plan.stations.map(\.name) + f.plan.messages.map(\.title) {
            #expect(whole.contains(name.split(whereSeparator: \.isWhitespace).joined(separator: " ")), "cut: \(name)")
        }
        #expect(whole.contains("Trang \(pages) / \(pages)") && whole.contains("NGƯỜI LẬP BÁO CÁO")
                || whole.contains("TRƯỞNG PHÒNG"))
    }

    @Test func vietnameseNumbers() {
        #expect(HTMLReport.num(1713, .vi) == "1.713" && HTMLReport.num(1713, .en) == "1,713")
        #expect(HTMLReport.pct(0.675, .vi) == "67,5 %" && HTMLReport.pct(0.675, .en) == "67.5 %")
        #expect(HTMLReport.pct(0.99996, .vi) == "99,9 %" && HTMLReport.pct(1, .vi) == "100,0 %")
        #expect(HTMLReport.pct(nil, .vi) == "—")
    }

    /// Owed and aired settled by hand: three weeks owing 2 each; 1, 4 and 3 full airings → delivered 1+2+2,
    /// one make-up (week 2's third airing fills week 1), then over-delivery 1 (week 2's fourth) + 1 (week 3's third).
    @Test func makeUpsAndOverDeliveryByHand() {
        let span = DateRange(from: day("2026-06-03"), to: day("2026-06-21"))
        let dues = [Due(from: day("2026-06-01"), to: day("2026-06-07"), required: 2),
                    Due(from: day("2026-06-08"), to: day("2026-06-14"), required: 2),
                    Due(from: day("2026-06-15"), to: day("2026-06-21"), required: 2),
                    Due(from: day("2026-06-22"), to: day("2026-06-28"), required: 2)]
        let days = ["2026-06-02", "2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-15",
                    "2026-06-16", "2026-06-21", "2026-06-23"].map { Int32(day($0).dayNumber) }
        var t = Tally()
        t.full = days.filter { $0 >= span.from.dayNumber && $0 <= span.to.dayNumber }.count
        let met = ReportBuilder.settle(&t, dues: dues, fullDays: days, span: span)
        #expect(met == false)
        #expect(t.owed == 6 && t.delivered == 5 && t.makeups == 1 && t.extra == 2 && t.earlier == 1)
        #expect(t.pending == 0 && t.unowed == 0)  // 23 June is after the span: not counted at all
    }
}
