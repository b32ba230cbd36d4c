import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaLog
import LoaPlan
import LoaReport

/// `loa report PLAN --log DB… --format csv|json|html --out FILE [--from D --to D | --until D] [--lang vi|en]`
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Coverage report from airing logs (báo cáo độ phủ): CSV, JSON or HTML.")

    public enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, html }

    @Argument(help: "The plan file (YAML).") var plan: String
    @Option(name: .customLong("log"), parsing: .upToNextOption,
            help: "Airing logs, one per station box or merged (several allowed).")
    var logs: [String] = []
    @Option(help: "csv, json or html.") var format: Format
    @Option(help: "The file to write.") var out: String
    @Option(help: "First day of the period, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day of the period, YYYY-MM-DD.") var to: String?
    @Option(help: "Report date: the period runs from the day after the plan's previous report date (or the plan's start).")
    var until: String?
    @Option(help: "Language of the labels: vi (default) or en.") var lang: String = "vi"

    public init() {}

    public func validate() throws {
        if logs.isEmpty { throw ValidationError(tr("cần ít nhất một --log", "at least one --log is needed")) }
        if until != nil && (from != nil || to != nil) {
            throw ValidationError(tr("dùng --until hoặc --from/--to, không dùng cả hai",
                                     "use either --until or --from/--to, not both"))
        }
        for (name, value) in [("--from", from), ("--to", to), ("--until", until)] {
            if let value, CivilDate(value) == nil {
                throw ValidationError(tr("\(name) phải là ngày YYYY-MM-DD: \(value)",
                                         "\(name) must be a date YYYY-MM-DD: \(value)"))
            }
        }
        if let from, let to, let f = CivilDate(from), let t = CivilDate(to), f > t {
            throw ValidationError(tr("--from \(from) sau --to \(to)", "--from \(from) is after --to \(to)"))
        }
        if Language(rawValue: lang) == nil {
            throw ValidationError(tr("--lang phải là vi hoặc en: \(lang)", "--lang must be vi or en: \(lang)"))
        }
    }

    public func run() throws {
        let plan = try loadValidPlan(path: plan)
        let span: DateRange
        if let until, let date = CivilDate(until) {
            span = reportSpan(until: date, plan: plan)
        } else {
            span = DateRange(from: from.flatMap(CivilDate.init) ?? plan.period.from,
                             to: to.flatMap(CivilDate.init) ?? plan.period.to)
        }
        let report: Report
        do {
            report = try ReportBuilder.build(plan: plan, span: span, logPaths: logs)
        } catch {
            LogReportIO.stderr("\(error)")
            throw ExitCode(1)
        }
        let language = Language(rawValue: lang) ?? .vi
        let text: String
        switch format {
        case .csv: text = CSVReport.render(report, language: language)
        case .json: text = JSONReport.render(report)
        case .html: text = HTMLReport.render(report, language: language)
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            LogReportIO.stderr(tr("Không ghi được \(out): \(error.localizedDescription)",
                                  "Cannot write \(out): \(error.localizedDescription)"))
            throw ExitCode(1)
        }
        for w in report.warnings { LogReportIO.stderr(tr("cảnh báo: ", "warning: ") + w.text()) }
        let t = report.totals
        let coverage = t.coverage.map { "\(Int(($0 * 100 + 1e-9).rounded(.down)))%" } ?? "—"
        print(tr("Đã ghi \(out): \(span.from)…\(span.to), \(t.tally.aired) lượt phát, \(t.messagesAired) tin, độ phủ \(coverage)",
                 "Wrote \(out): \(span.from)…\(span.to), \(t.tally.aired) airings, \(t.messagesAired) messages, coverage \(coverage)"))
    }
}
