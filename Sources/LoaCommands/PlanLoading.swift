import LoaCore
import ArgumentParser
import Foundation
import LoaPlayout
import LoaL10n
import LoaPlan

/// Prints diagnostics to stderr, one `file:line:column: error: …` line each.
public func printDiagnostics(_ diagnostics: [Diagnostic]) {
    guard !diagnostics.isEmpty else { return }
    let text = diagnostics.map { $0.formatted() }.joined(separator: "\n") + "\n"
    FileHandle.standardError.write(Data(text.utf8))
}

/// Contract A: every command loads plans through this. Prints diagnostics (warnings too) to stderr and throws
/// `ExitCode(1)` when there is any error.
public func loadValidPlan(path: String, local: URL? = nil, station: String? = nil) throws -> Plan {
    let result = local.map { loadCheckedPlan(path: path, local: $0, station: station ?? "") } ?? loadCheckedPlan(path: path)
    printDiagnostics(result.diagnostics)
    guard let plan = result.validPlan else {
        let n = result.errors.count
        FileHandle.standardError.write(Data((tr("\(n) lỗi trong kế hoạch \(path)", "\(n) error(s) in plan \(path)")
                                             + "\n").utf8))
        throw ExitCode(1)
    }
    return plan
}
