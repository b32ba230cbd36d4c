import Foundation
import LoaL10n
import LoaLog
import LoaPlan
import Testing
@testable import LoaReport

func juneReport() throws -> Report {
    let dir = try tempDir()
    let bd = dir.appendingPathComponent("ba-dinh.sqlite").path
    let hk = dir.appendingPathComponent("hoan-kiem.sqlite").path
    try writeBaDinh(bd)
    try writeHoanKiem(hk)
    var plan = samplePlan()
    plan.messages[0].title = "Chủ động phòng, chống ngập úng, \"mùa mưa\""   // a comma and quotes for CSV
    return try ReportBuilder.build(plan: plan, span: juneSpan, logPaths: [bd, hk], reader: SQLiteLogReader(), owed: juneDues())
}

/// Runs a program, killing it after `timeout` seconds; returns its exit status and standard output.
func run(_ tool: String, _ args: [String], timeout: Double = 90) throws -> (status: Int32, out: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let killer = DispatchWorkItem { if p.isRunning { p.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    killer.cancel()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

let chromium = "/usr/bin/chromium"
let chromiumFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                     "--disable-dev-shm-usage", "--user-data-dir=\(NSTemporaryDirectory())loa-chromium-\(UUID().uuidString)"]

@Suite struct FormatTests {
    @Test func csvHasBOMSectionsAndQuoting() throws {
        let r = try juneReport()
        let csv = CSVReport.render(r, language: .vi)
        #expect(Array(csv.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = csv.dropFirst().components(separatedBy: "\r\n")
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines[0] == "Báo cáo độ phủ thông tin")
        #expect(lines.contains("Theo tin và đài"))
        let quoted = lines.first { $0.hasPrefix("flooding,\"") }
        #expect(quoted?.contains("\"Chủ động phòng, chống ngập úng, \"\"mùa mưa\"\"\"") == true)
        // The pair row: message, station, met, owed, full, interrupted, preempted, missed, failed, unclosed, airtime.
        #expect(lines.contains("flooding,ba-dinh,có,4,4,1,1,1,1,1,420"))
        #expect(lines.contains("flooding,tay-ho,không,4,0,0,0,0,0,0,0"))
        // Coverage in whole percent, rounded down: 1 of 3 stations.
        #expect(lines.contains { $0.hasPrefix("1.12,Khắc phục 05 điểm nghẽn,1,1,3,1,33,") })
        let en = CSVReport.render(r, language: .en)
        #expect(en.contains("\r\nPer message and station\r\nMessage id,Station id,Met,Owed,Aired in full,"))
    }

    @Test func jsonFieldsAreStable() throws {
        let r = try juneReport()
        let text = JSONReport.render(r)
        #expect(text == JSONReport.render(r))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["format"] as? String == "loa-report/1")
        #expect(root["from"] as? String == "2026-06-03" && root["to"] as? String == "2026-06-16")
        let totals = try #require(root["totals"] as? [String: Any])
        #expect(totals["assignments_owing"] as? Int == 4 && totals["assignments_met"] as? Int == 2)
        #expect(totals["coverage"] as? Double == 0.5 && totals["messages_aired"] as? Int == 2)
        let pairs = try #require(root["pairs"] as? [[String: Any]])
        let bd = try #require(pairs.first { $0["message"] as? String == "flooding" && $0["station"] as? String == "ba-dinh" })
        #expect(bd["full"] as? Int == 4 && bd["interrupted"] as? Int == 1 && bd["preempted"] as? Int == 1)
        #expect(bd["unclosed"] as? Int == 1 && bd["met"] as? Bool == true && bd["airtime_s"] as? Double == 420)
        let messages = try #require(root["messages"] as? [[String: Any]])
        #expect(messages.first { $0["message"] as? String == "olympic" }?["coverage"] is NSNull)
        #expect((root["weeks"] as? [String]) == ["2026-W23", "2026-W24", "2026-W25"])
        let logs = try #require(root["logs"] as? [[String: Any]])
        #expect(logs.count == 2 && logs[0]["chain_ok"] as? Bool == true && logs[0]["first_bad_seq"] is NSNull)
        #expect(Set(root.keys) == ["format", "plan", "from", "to", "made", "issuer", "station_filter", "logs", "warnings",
                                   "totals", "topics", "stations", "messages", "pairs", "weeks", "heat"])
    }

    @Test func htmlIsSelfContained() throws {
        let html = HTMLReport.render(try juneReport(), language: .vi)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"vi\">") && html.contains("@page{size:A4"))
        let external = ["src=", "href=", "url(", "<script", "<link", "@import"]
        #expect(external.allSatisfy { !html.contains($0) })
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http") == false)
        #expect(html.contains("Chủ động phòng, chống ngập úng, &quot;mùa mưa&quot;"))
        let en = HTMLReport.render(try juneReport(), language: .en)
        #expect(en.contains("<h3>Coverage per topic</h3>") && en.contains("<html lang=\"en\">"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromium)))
    func htmlRendersInChromium() throws {
        let dir = try tempDir()
        let page = dir.appendingPathComponent("report.html")
        try HTMLReport.render(try juneReport(), language: .vi).write(to: page, atomically: true, encoding: .utf8)
        let blank = dir.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)

        let dom = try run(chromium, chromiumFlags + ["--dump-dom", page.absoluteString])
        #expect(dom.status == 0)
        for heading in ["BÁO CÁO", "I. Các chỉ tiêu của kế hoạch", "II. Phải phát và đã phát", "III. Chi tiết",
                        "Độ phủ theo chủ đề", "Lượt phát theo đài và tuần", "Theo chủ đề", "Theo đài", "Theo tin",
                        "Phụ lục kỹ thuật", "Theo tin và đài"] {
            #expect(dom.out.contains(heading), "rendered page lacks \(heading)")
        }
        #expect(dom.out.contains("<svg") && dom.out.contains("<rect"))

        let shot = dir.appendingPathComponent("report.png"), empty = dir.appendingPathComponent("blank.png")
        for (url, png) in [(page, shot), (blank, empty)] {
            let r = try run(chromium, chromiumFlags + ["--window-size=1240,1754", "--screenshot=\(png.path)",
                                                       url.absoluteString])
            #expect(r.status == 0)
        }
        let pngData = try Data(contentsOf: shot), blankData = try Data(contentsOf: empty)
        #expect(pngData.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // The same window blank compresses to almost nothing; a drawn report (text, bars, heat map) does not.
        #expect(pngData.count > 8 * blankData.count, "report PNG \(pngData.count) B vs blank \(blankData.count) B")
        #expect(pngData.count > 40_000)
    }

    /// On paper there is no tooltip: a long topic title in the bar chart wraps onto a second line, whole words kept.
    @Test func longTopicTitlesWrapInTheChart() throws {
        #expect(HTMLReport.wrap("1.12 Khắc phục", width: 40, lines: 2) == ["1.12 Khắc phục"])
        let title = "1.12 Khắc phục 05 điểm nghẽn về thể chế, hạ tầng và nguồn nhân lực của Thủ đô"
        let two = HTMLReport.wrap(title, width: 42, lines: 2)
        #expect(two.count == 2)
        #expect(two.joined(separator: " ") == title)
        #expect(two.allSatisfy { $0.count <= 42 })
        let cut = HTMLReport.wrap(title + " trong giai đoạn 2026–2030 và những năm tiếp theo", width: 42, lines: 2)
        #expect(cut.count == 2 && cut[1].hasSuffix("…") && cut[1].count <= 42)
        #expect(HTMLReport.wrap(String(repeating: "x", count: 50), width: 42, lines: 2)
                == [String(repeating: "x", count: 42), String(repeating: "x", count: 8)])

        var report = try juneReport()
        report.topics[0].title = "Khắc phục 05 điểm nghẽn về thể chế, hạ tầng và nguồn nhân lực"
        let html = HTMLReport.render(report, language: .vi)
        let chart = try #require(html.range(of: "<svg class=\"bars\"").map { String(html[$0.lowerBound...]) })
        #expect(chart.contains(">1.12 Khắc phục 05 điểm nghẽn về thể chế,</tspan>"))
        #expect(chart.contains(">hạ tầng và nguồn nhân lực</tspan>"))
    }
}
