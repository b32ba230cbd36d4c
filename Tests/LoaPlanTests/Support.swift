import Foundation
import LoaTestSupport
import LoaL10n
import LoaPlan

/// A temp folder holding a plan and its files; diagnostics are reported relative to it.
struct Fixture {
    let dir: URL

    init() {
        dir = TemporaryFolders.make("loa-plan-tests").appendingPathComponent("plan").standardizedFileURL
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> URL {
        let url = dir.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! text.write(to: url, atomically: false, encoding: .utf8)
        return url
    }

    /// A real audio file made with sox (a tone of `seconds`).
    @discardableResult
    func tone(_ name: String, seconds: Double) -> URL {
        let url = dir.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        p.arguments = ["-n", "-r", "8000", "-c", "1", "-b", "16", url.path, "synth", String(seconds), "sine", "440"]
        try! p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "sox failed")
        return url
    }

    func load(_ name: String = "plan.yaml") -> PlanLoadResult { PlanLoader.load(file: dir.appendingPathComponent(name)) }

    /// Formatted English diagnostics with the fixture folder stripped, e.g. `plan.yaml:3:1: error: …`.
    func lines(_ diagnostics: [Diagnostic], _ severity: Diagnostic.Severity = .error) -> [String] {
        diagnostics.filter { $0.severity == severity }
            .map { $0.formatted(.en).replacingOccurrences(of: dir.path + "/", with: "") }
    }
    func errors(_ r: PlanLoadResult) -> [String] { lines(r.diagnostics) }

    /// A temp folder outside the plan folder (its parent).
    var outside: URL { dir.deletingLastPathComponent() }
}

/// A small valid plan header: lines 1–5 (line 5 is blank); tests replace parts of it.
let header = """
plan:
  id: test
  title: Test
  period: {from: 2026-06-01, to: 2026-06-30}


"""
