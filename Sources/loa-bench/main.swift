import Foundation

/// `loa-bench [NAME…]` runs the named figures (all by default) and prints one line per figure.
/// Each area adds its entry here and its code in its own Bench*.swift file.
let benches: [(name: String, run: () async throws -> Void)] = [
    ("plan", benchPlan),
    ("log", { try BenchLogReport.benchLog() }),
    ("report", { try BenchLogReport.benchReport() }),
    ("tts", benchSpeech),
    ("audio", benchAudio),
    ("daemon", { try await BenchDaemon.run() }),
    ("schedule", { try BenchSchedule.run() }),
    ("page", { try await BenchPage.run() }),
    ("hub", { try await BenchHub.run() }),
    ("station-alerts", { try await BenchStationAlerts.run() }),
    ("alerts", { try await BenchAlerts.run() }),
]

let wanted = Set(CommandLine.arguments.dropFirst())
for bench in benches where wanted.isEmpty || wanted.contains(bench.name) {
    print("== \(bench.name)")
    do { try await bench.run() } catch { print("\(bench.name): failed: \(error)") }
}
