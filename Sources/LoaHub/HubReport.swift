import Foundation
import LoaCore
import LoaL10n
import LoaLog
import LoaPlan
import LoaPlayout
import LoaReport
import LoaXlsx

extension HubService {
    /// The §4 report over every station's log the hub holds, against the current plan: the plan folder is rebuilt
    /// from the blobs and loaded as `loa check` does, each station's stored rows are read and verified by the store's
    /// `reportReader()` as LoaLog verifies a log, so the figures are those `loa report` gives over the same logs
    /// copied by hand.
    public func report(from: CivilDate?, to: CivilDate?, until: CivilDate?, format: String, language: Language,
                       subject: String) async throws -> (body: Data, contentType: String) {
        guard let manifest = try await store.currentPlan() else {
            throw HubError(.notFound, subject: subject, Localized(vi: "hub chưa có kế hoạch nào", en: "the hub has no plan yet"))
        }
        let folder = URL(fileURLWithPath: scratchFile("plan"))
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in manifest.files {
            let target = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: blobs.url(of: file.sha256), to: target)
        }
        let loaded = loadCheckedPlan(path: folder.appendingPathComponent(manifest.plan).path)
        guard let plan = loaded.validPlan else {
            throw HubError(.storeFailed, subject: subject, Localized(
                vi: "kế hoạch hiện hành \(manifest.version) không nạp được", en: "the current plan \(manifest.version) does not load"))
        }
        let span = until.map { reportSpan(until: $0, plan: plan) }
            ?? DateRange(from: from ?? plan.period.from, to: to ?? plan.period.to)
        guard !span.isEmpty, span.intersection(plan.period) != nil else {
            throw HubError(.badRequest, subject: subject, Localized(
                vi: "kỳ báo cáo \(span) trống hoặc nằm ngoài kế hoạch \(plan.period)",
                en: "the report period \(span) is empty or outside the plan's \(plan.period)"))
        }
        let stations = try await store.stations().filter { $0.lastSeq > 0 }.map(\.station)
        let reader = store.reportReader()
        var report = try await onOwnThread {
            try ReportBuilder.build(plan: plan, span: span, logPaths: stations, reader: reader)
        }
        report.made = CivilDate(Timestamp.format(now(), timeZone: plan.timezone).prefix(10).description)
        switch format {
        case "json": return (Data(JSONReport.render(report).utf8), "application/json")
        case "csv": return (Data(CSVReport.render(report, language: language).utf8), "text/csv; charset=utf-8")
        case "html": return (Data(HTMLReport.render(report, language: language).utf8), "text/html; charset=utf-8")
        case "xlsx":
            let file = scratchFile("xlsx")
            defer { try? FileManager.default.removeItem(atPath: file) }
            try XLSXReport.write(report, language: language, to: file)
            return (try Data(contentsOf: URL(fileURLWithPath: file)),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        default:
            throw HubError(.badRequest, subject: subject, Localized(
                vi: "định dạng phải là csv, json, html hoặc xlsx", en: "format must be csv, json, html or xlsx"))
        }
    }

}
