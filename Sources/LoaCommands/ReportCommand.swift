import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaLog
import LoaPlan
import LoaReport
import LoaXlsx

/// `loa report PLAN --log DB… --format csv|json|html|xlsx --out FILE [--from D --to D | --until D] [--lang vi|en]
/// [--station ID…] [--issuer TEXT] [--date D]`
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Coverage report from airing logs (báo cáo độ phủ): CSV, JSON, HTML or Excel (xlsx).")

    public enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, html, xlsx }

    @Argument(help: "The plan file (YAML).") var plan: String
    @Option(name: .customLong("log"), parsing: .upToNextOption,
            help: "Airing logs, one per station box or merged (several allowed).")
    var logs: [String] = []
    @Option(help: "csv, json, html or xlsx.") var format: Format
    @Option(help: "The file to write.") var out: String
    @Option(help: "First day of the period, YYYY-MM-DD.") var from: String?
    @Option(help: "Last day of the period, YYYY-MM-DD.") var to: String?
    @Option(help: "Report date: the period runs from the day after the plan's previous report date (or the plan's start).")
    var until: String?
    @Option(help: "Language of the labels: vi (default) or en.") var lang: String = "vi"
    @Option(name: .customLong("station"), parsing: .upToNextOption,
            help: "Only these stations (a commune's own report); ids from the plan.")
    var stations: [String] = []
    @Option(help: "The issuing unit printed on the report (overrides the plan's report: unit).") var issuer: String?
    @Option(help: "The date the report is made, YYYY-MM-DD (default: today in the plan's timezone).") var date: String?
    @Flag(help: "Count rehearsal events (`loa run --clock simulated`), left out by default; the first line says so.")
    var includeRehearsals = false

    public init() {}

    public func validate() throws {
        if logs.isEmpty { throw ValidationError(tr("cần ít nhất một --log", "at least one --log is needed")) }
        if until != nil && (from != nil || to != nil) {
            throw ValidationError(tr("dùng --until hoặc --from/--to, không dùng cả hai",
                                     "use either --until or --from/--to, not both"))
        }
        for (name, value) in [("--from", from), ("--to", to), ("--until", until), ("--date", date)] {
            if let value, CivilDate(value) == nil {
                throw ValidationError(tr("\(name) phải là ngày YYYY-MM-DD: \(value)",
                                         "\(name) must be a date YYYY-MM-DD: \(value)"))
            }
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
        try check(span: span, plan: plan)
        let unknown = stations.filter { plan.station($0) == nil }
        if !unknown.isEmpty {
            throw fail(tr("--station: kế hoạch \(self.plan) không có đài \(unknown.joined(separator: ", "))",
                          "--station: the plan \(self.plan) has no station \(unknown.joined(separator: ", "))"))
        }
        var report: Report
        do {
            report = try ReportBuilder.build(plan: plan, span: span, logPaths: logs, reader: SQLiteLogReader(),
                                             stations: stations.isEmpty ? nil : Set(stations),
                                             includeRehearsals: includeRehearsals)
        } catch {
            throw fail("\(error)")
        }
        if let issuer { report.issuer = ReportIssuer(unit: issuer, number: report.issuer?.number,
                                                     place: report.issuer?.place, signer: report.issuer?.signer,
                                                     signerTitle: report.issuer?.signerTitle) }
        report.made = date.flatMap(CivilDate.init) ?? Self.today(in: plan.timezone)
        let language = Language(rawValue: lang) ?? .vi
        do {
            switch format {
            case .csv: try write(CSVReport.render(report, language: language))
            case .json: try write(JSONReport.render(report))
            case .html: try write(HTMLReport.render(report, language: language))
            case .xlsx: try XLSXReport.write(report, language: language, to: out)
            }
        } catch {
            let why = error is XlsxError ? "\(error)" : error.localizedDescription
            throw fail(tr("Không ghi được \(out): \(why)", "Cannot write \(out): \(why)"))
        }
        // First line: whether rehearsals are in the figures (SPEC §6).
        print(report.rehearsals.line.text())
        for w in report.warnings.dropFirst(report.warnings.first == report.rehearsals.line ? 1 : 0) {
            LogReportIO.stderr(tr("cảnh báo: ", "warning: ") + w.text())
        }
        let t = report.totals
        let coverage = t.coverage.map { localizedPercent(($0 * 1000 + 1e-9).rounded(.down), of: 1000) } ?? "—"
        let aired = localizedNumber(Double(t.tally.aired)), messages = localizedNumber(Double(t.messagesAired))
        let shown = stations.isEmpty ? "" : " [" + stations.joined(separator: ", ") + "]"
        print(tr("Đã ghi \(out): \(span.from)…\(span.to), \(aired) lượt phát, \(messages) tin, độ phủ \(coverage)\(shown)",
                 "Wrote \(out): \(span.from)…\(span.to), \(aired) airings, \(messages) messages, coverage \(coverage)\(shown)"))
    }

    private func write(_ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) }

    /// An inverted period, or one that misses the plan's, is an error: the report would owe nothing and say so
    /// in a way a reader could mistake for a result.
    private func check(span: DateRange, plan: Plan) throws {
        let asked = until.map { "--until \($0)" } ?? "\(span.from)…\(span.to)"
        if span.isEmpty {
            throw fail(tr("kỳ báo cáo trống hoặc ngược (\(asked) cho \(span.from)…\(span.to)); kế hoạch chạy \(plan.period)",
                    "the report period is empty or inverted (\(asked) gives \(span.from)…\(span.to)); the plan runs "
                        + "\(plan.period)"))
        }
        if span.intersection(plan.period) == nil {
            throw fail(tr("kỳ báo cáo \(span) nằm ngoài thời gian kế hoạch \(plan.period)",
                    "the report period \(span) is outside the plan's period \(plan.period)"))
        }
    }

    /// Says why on stderr; the caller throws the result (exit status 1).
    private func fail(_ message: String) -> ExitCode {
        LogReportIO.stderr(tr("lỗi: ", "error: ") + message)
        return ExitCode(1)
    }

    private static func today(in zone: TimeZone) -> CivilDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(dayNumber: 0)
    }
}
