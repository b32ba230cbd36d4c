import LoaCore
import LoaPlan

extension ReportBuilder {
    /// What the plan's quota (SPEC §1, contract B) asks of `station` for `message`, for the periods meeting `span`.
    public static func planDues(_ plan: Plan, span: DateRange) -> (Message, Station) -> [Due] {
        { message, station in
            plan.obligations(for: message, at: station, within: span)
                .map { Due(from: $0.from, to: $0.to, required: $0.required) }
        }
    }

    /// The report for `span` from the logs at `logPaths`, owed amounts from the plan's quota; `stations` limits
    /// it to those station ids (`--station`).
    public static func build(plan: Plan, span: DateRange, logPaths: [String], reader: any AiringLogReader,
                             stations: Set<String>? = nil, includeRehearsals: Bool = false) throws -> Report {
        try build(plan: plan, span: span, logPaths: logPaths, reader: reader, owed: planDues(plan, span: span),
                  stations: stations, includeRehearsals: includeRehearsals)
    }
}
