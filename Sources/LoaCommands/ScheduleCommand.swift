import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaPlan
import LoaSchedule

/// `loa schedule PLAN --out DIR`: writes `schedule.jsonl`, `shortfalls.jsonl` and per-day M3U playlists (SPEC §2)
/// and prints what was owed against what fits.
public struct ScheduleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Turn a plan into each station's slots (schedule.jsonl, shortfalls.jsonl, playlists).")

    @Argument(help: "The plan file (YAML).") var plan: String
    @Option(help: "Folder to write into (created if missing).") var out: String
    @Option(help: "First day (YYYY-MM-DD); default: the plan's first day.") var from: String?
    @Option(help: "Last day (YYYY-MM-DD); default: the plan's last day.") var to: String?
    @Option(name: .customLong("station"), parsing: .upToNextOption,
            help: "Only these station ids (repeatable).") var stations: [String] = []
    @Flag(help: "Exit with status 1 when anything owed could not be scheduled.") var strict = false
    @Flag(name: .customLong("no-playlists"), help: "Skip the M3U playlists.") var noPlaylists = false

    public init() {}

    public func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CivilDate(value) == nil {
                throw ValidationError(tr("\(name) \(value): không phải ngày hợp lệ dạng YYYY-MM-DD",
                                         "\(name) \(value): not a valid date YYYY-MM-DD"))
            }
        }
        if let f = from.flatMap(CivilDate.init), let t = to.flatMap(CivilDate.init), f > t {
            throw ValidationError(tr("--from \(f) sau --to \(t)", "--from \(f) is after --to \(t)"))
        }
    }

    public func run() throws {
        let plan = try loadValidPlan(path: self.plan)
        let known = Set(plan.stations.map(\.id))
        let unknown = stations.filter { !known.contains($0) }
        if !unknown.isEmpty {
            fail(tr("\(self.plan): không có đài \(unknown.joined(separator: ", "))",
                    "\(self.plan): no station \(unknown.joined(separator: ", "))"))
            throw ExitCode(1)
        }
        let range = DateRange(from: from.flatMap(CivilDate.init) ?? plan.period.from,
                              to: to.flatMap(CivilDate.init) ?? plan.period.to)
        if range.isEmpty {
            fail(tr("Khoảng ngày \(range) trống", "The date range \(range) is empty"))
            throw ExitCode(1)
        }
        let result = Scheduler.schedule(plan, range: range, stations: stations.isEmpty ? nil : stations)
        let dir = URL(fileURLWithPath: out)
        do {
            try ScheduleWriter.write(result, plan: plan, to: dir, playlists: !noPlaylists)
        } catch {
            fail("\(error)")
            throw ExitCode(1)
        }
        print(Self.summary(plan: plan, result: result, out: out, playlists: !noPlaylists))
        if strict && !result.shortfalls.isEmpty { throw ExitCode(1) }
    }

    private func fail(_ text: String) { FileHandle.standardError.write(Data(("error: " + text + "\n").utf8)) }

    /// What the operator reads: slots, items, fill, owed against scheduled per priority, the worst stations.
    public static func summary(plan: Plan, result: ScheduleResult, out: String, playlists: Bool) -> String {
        var slots = 0, used = 0, items = 0
        var length = 0.0, seconds = 0.0
        var inDays = [0, 0, 0]   // message airings on the chosen days, by priority
        for st in result.stations {
            for o in st.occurrences {
                slots += 1
                length += Double(o.lengthSeconds)
                seconds += o.usedSeconds
                let n = o.items.reduce(0) { $0 + ($1.kind == .message ? 1 : 0) }
                items += n
                if n > 0 { used += 1 }
                for item in o.items where item.kind == .message { inDays[(item.priority ?? .normal).rawValue] += 1 }
            }
        }
        var lines: [String] = []
        lines.append(tr("Lịch phát \(plan.id): \(result.range.from) đến \(result.range.to), \(result.stations.count) đài",
                        "Schedule \(plan.id): \(result.range.from) to \(result.range.to), \(result.stations.count) stations"))
        lines.append(tr("Khung giờ: \(slots) (\(used) có phát); lượt tin: \(items); lấp đầy \(pct(seconds, length)) thời lượng",
                        "Slots: \(slots) (\(used) with airings); message airings: \(items); \(pct(seconds, length)) of airtime filled"))
        let tally = result.tally
        let names = [tr("thông thường", "normal"), tr("ưu tiên", "priority"), tr("khẩn cấp", "emergency")]
        var parts: [String] = []
        for p in Priority.allCases.reversed() where tally[p.rawValue].owed > 0 {
            let t = tally[p.rawValue]
            parts.append("\(names[p.rawValue]) \(t.scheduled)/\(t.owed) (\(pct(Double(t.scheduled), Double(t.owed))))")
        }
        if result.range != plan.period {
            // Quotas are owed per whole week/month/quarter: the chosen days and the whole periods are said apart.
            var mine: [String] = []
            for p in Priority.allCases.reversed() where inDays[p.rawValue] > 0 {
                mine.append("\(names[p.rawValue]) \(inDays[p.rawValue])")
            }
            lines.append(tr("Trong các ngày đã chọn (\(result.range.from)…\(result.range.to)): \(items) lượt tin được xếp",
                            "In the chosen days (\(result.range.from)…\(result.range.to)): \(items) message airings scheduled")
                         + (mine.isEmpty ? "" : " (" + mine.joined(separator: ", ") + ")"))
            lines.append(tr("Trọn các kỳ tuần/tháng/quý gặp các ngày này (kể cả ngày ngoài khoảng), đã xếp / phải phát: ",
                            "Whole week/month/quarter periods meeting these days (days outside them included), "
                                + "scheduled / owed: ")
                         + (parts.isEmpty ? tr("không có gì phải phát", "nothing owed") : parts.joined(separator: ", ")))
        } else {
            lines.append(tr("Đã xếp / phải phát: ", "Scheduled / owed: ")
                         + (parts.isEmpty ? tr("không có gì phải phát", "nothing owed") : parts.joined(separator: ", ")))
        }
        let short = result.shortfalls
        if short.isEmpty {
            lines.append(tr("Đủ: mọi lượt phải phát đều đã được xếp.", "Complete: every owed airing is scheduled."))
        } else {
            let missing = result.stations.map { st in
                (st.station, st.tally.reduce(0) { $0 + $1.owed - $1.scheduled })
            }.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            lines.append(tr("Thiếu: \(short.count) dòng trong shortfalls.jsonl; đài thiếu nhiều nhất: ",
                            "Short: \(short.count) lines in shortfalls.jsonl; worst stations: ")
                         + missing.prefix(5).map { "\($0.0) (−\($0.1))" }.joined(separator: ", "))
            var byCode: [String: Int] = [:]
            for f in short { byCode[f.code, default: 0] += f.required - f.scheduled }
            lines.append(tr("Lý do (lượt thiếu): ", "Reasons (airings short): ")
                         + byCode.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                            .map { "\(shortfallCodeWords($0.key).text()) (\($0.key)) \(localizedNumber(Double($0.value)))" }
                            .joined(separator: ", "))
            if let worst = short.max(by: { ($0.required - $0.scheduled, $1.message) < ($1.required - $1.scheduled, $0.message) }) {
                lines.append(tr("Ví dụ: \(worst.message) tại \(worst.station), \(worst.period): \(worst.reasonVi)",
                                "For example: \(worst.message) at \(worst.station), \(worst.period): \(worst.reason)"))
            }
        }
        let written = ["schedule.jsonl", "shortfalls.jsonl"] + (playlists ? ["playlists/"] : [])
        lines.append(tr("Đã ghi vào \(out): ", "Written to \(out): ") + written.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// `67,5 %` in Vietnamese, `67.5%` in English.
    static func pct(_ a: Double, _ b: Double) -> String { localizedPercent(a, of: b) }
}
