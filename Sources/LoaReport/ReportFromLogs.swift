import Foundation
import LoaLog
import LoaPlan

extension ReportBuilder {
    /// Reads the logs at `paths` (each verified in the same pass; a broken chain is reported, not fatal) and builds the
    /// report. A file that cannot be read at all throws its `LogError`.
    public static func build(plan: Plan, span: DateRange, logPaths: [String],
                             owed: @escaping (Message, Station) -> [Due]) throws -> Report {
        var builder = ReportBuilder(plan: plan, span: span, owed: owed)
        for path in logPaths {
            let log = try AiringLog(path: path, readOnly: true)
            builder.beginLog(name: path)
            let chain = try log.verify { builder.add($0) }
            builder.endLog(chain: chain)
        }
        return builder.report()
    }
}
