import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaPlayout
import LoaPlan

/// `loa check PLAN`: validates a plan and tells the operator, per station, the airtime owed against the airtime
/// the slots offer.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a plan and show airtime owed against airtime available per station.")

    @Argument(help: "The plan file (YAML).") var plan: String
    @Flag(name: .shortAndLong, help: "Only totals and warnings, no per-station table.") var quiet = false
    @Option(help: "A station's local.yaml (its slot times and local announcements) to check laid over the plan.")
    var local: String?
    @Option(help: "The station the --local file belongs to (default: the file's own `station:`).") var station: String?

    public init() {}

    public func run() throws {
        let result: PlanLoadResult
        if let local {
            let url = URL(fileURLWithPath: local)
            let owner = station ?? (try? LocalAdditions.read(url, station: ""))?.station ?? ""
            result = loadCheckedPlan(path: plan, local: url, station: owner)
        } else {
            result = loadCheckedPlan(path: plan)
        }
        printDiagnostics(result.diagnostics)
        guard let plan = result.validPlan else {
            let n = result.errors.count
            printError(tr("\(n) lỗi trong \(self.plan): kế hoạch chưa dùng được.",
                          "\(n) error(s) in \(self.plan): the plan cannot be used yet."))
            throw ExitCode(1)
        }
        let summary = plan.summary()
        printDiagnostics(summary.warnings)
        print(Self.report(plan, summary, quiet: quiet))
        let warnings = result.warnings.count + summary.warnings.count
        print(tr("Kế hoạch hợp lệ: không có lỗi, \(warnings) cảnh báo.", "Plan OK: no errors, \(warnings) warning(s)."))
    }

    static func report(_ plan: Plan, _ summary: PlanSummary, quiet: Bool) -> String {
        var out: [String] = []
        out.append(tr("Kế hoạch \(plan.id): \(plan.title)", "Plan \(plan.id): \(plan.title)"))
        out.append(tr("Thời gian: \(plan.period.from) đến \(plan.period.to) (\(summary.weeks) tuần), múi giờ \(plan.timezone.identifier)",
                      "Period: \(plan.period.from) to \(plan.period.to) (\(summary.weeks) weeks), timezone \(plan.timezone.identifier)"))
        var groups: [String: Int] = [:]
        for s in plan.stations { for g in s.groups { groups[g, default: 0] += 1 } }
        let groupText = groups.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out.append(tr("Đài: \(plan.stations.count)", "Stations: \(plan.stations.count)")
                   + (groupText.isEmpty ? "" : tr(" (nhóm: \(groupText))", " (groups: \(groupText))")))
        let byPriority = Dictionary(grouping: plan.messages, by: \.priority).mapValues(\.count)
        let topics = Set(plan.messages.compactMap(\.topic)).count
        out.append(tr("Tin: \(plan.messages.count) thuộc \(topics) chủ đề (khẩn cấp \(byPriority[.emergency] ?? 0), "
                      + "ưu tiên \(byPriority[.priority] ?? 0), thông thường \(byPriority[.normal] ?? 0))",
                      "Messages: \(plan.messages.count) over \(topics) topics (emergency \(byPriority[.emergency] ?? 0), "
                      + "priority \(byPriority[.priority] ?? 0), normal \(byPriority[.normal] ?? 0))"))
        if !plan.reports.isEmpty {
            out.append(tr("Ngày báo cáo: ", "Report dates: ") + plan.reports.map(\.description).joined(separator: ", "))
        }
        out.append("")
        if !quiet {
            out.append(tr("Mỗi tuần (trung bình trên cả kế hoạch):", "Per week (averaged over the plan):"))
            let header = [tr("đài", "station"), tr("khung giờ", "slots"), tr("phút trống", "min free"), tr("tin", "msgs"),
                          tr("lượt phải phát", "airings owed"), tr("phút phải phát", "min owed"),
                          tr("tuần nặng nhất", "busiest week")]
            var rows = [header]
            for l in summary.stations {
                rows.append([l.station, "\(l.slotsPerWeek)", fmt(l.roomPerWeek / 60), "\(l.messages)",
                             fmt(l.owedAiringsPerWeek), fmt(l.owedSecondsPerWeek / 60),
                             l.peakWeek.map { "\($0) \(percent(l.peakLoad))" } ?? "-"])
            }
            out.append(contentsOf: table(rows))
            out.append("")
        }
        let slots = summary.stations.reduce(0) { $0 + $1.slotsPerWeek }
        let room = summary.stations.reduce(0) { $0 + $1.roomPerWeek } / 60
        let airings = summary.stations.reduce(0) { $0 + $1.owedAiringsPerWeek }
        let owed = summary.stations.reduce(0) { $0 + $1.owedSecondsPerWeek } / 60
        out.append(tr("Tổng mỗi tuần: \(slots) khung giờ, \(fmt(room)) phút trống; phải phát \(fmt(airings)) lượt, "
                      + "\(fmt(owed)) phút (\(percent(room > 0 ? owed / room : 0)) thời lượng).",
                      "Total per week: \(slots) slots, \(fmt(room)) min free; owed \(fmt(airings)) airings, "
                      + "\(fmt(owed)) min (\(percent(room > 0 ? owed / room : 0)) of airtime)."))
        let busiest = summary.stations.max { $0.peakLoad < $1.peakLoad }
        if let b = busiest, let week = b.peakWeek {
            out.append(tr("Tuần nặng nhất: đài \(b.station), \(week), dùng \(percent(b.peakLoad)) thời lượng.",
                          "Busiest: station \(b.station) in \(week), \(percent(b.peakLoad)) of its airtime used."))
        }
        return out.joined(separator: "\n")
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    static func percent(_ v: Double) -> String { v.isFinite ? String(format: "%.0f%%", v * 100) : "∞" }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return c == 0 ? row[c] + pad : pad + row[c]
            }.joined(separator: "  ")
        }
    }

    private func printError(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
