import Foundation

/// What a test support call could not do, in words.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The `loa` executable the package built, for tests that run it as a station box would.
public enum LoaBinary {
    /// `LOA_BINARY`, else `loa` beside the test bundle; nil when neither exists.
    public static var url: URL? {
        if let path = ProcessInfo.processInfo.environment["LOA_BINARY"] { return URL(fileURLWithPath: path) }
        let bases = [Bundle.main.executableURL?.deletingLastPathComponent(),
                     Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        for base in bases.compactMap({ $0 }) {
            let url = base.appendingPathComponent("loa")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Starts `loa args` in `dir` with English messages and `LOA_RUNTIME_DIR` = `dir`, plus `environment`;
    /// `through` runs it under another program (e.g. `prlimit --fsize=…`).
    public static func spawn(_ args: [String], in dir: URL, environment extra: [String: String] = [:],
                             through wrapper: [String] = []) throws -> (Process, Pipe, Pipe) {
        guard let binary = url else {
            throw TestSupportError("the loa binary was not found next to the tests; run `swift build` first or set LOA_BINARY")
        }
        let p = Process()
        p.executableURL = wrapper.first.map { URL(fileURLWithPath: $0) } ?? binary
        p.arguments = wrapper.isEmpty ? args : Array(wrapper.dropFirst()) + [binary.path] + args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "en_US.UTF-8"; env["LC_ALL"] = nil; env["LC_MESSAGES"] = nil
        env["LOA_RUNTIME_DIR"] = dir.path
        env.merge(extra) { _, new in new }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        return (p, out, err)
    }

    /// Runs `loa args` to the end: its exit status and what it printed.
    public static func run(_ args: [String], in dir: URL, environment: [String: String] = [:],
                           through wrapper: [String] = []) throws -> (status: Int32, out: String, err: String) {
        let (p, out, err) = try spawn(args, in: dir, environment: environment, through: wrapper)
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// Test plans that air one long item from a schedule file: a schedule file airs only what its plan names, so the
/// plan gets a one-hour slot `now` and a message `long` on `audio`, written to `live.yaml` beside `plan`.
public enum LongItemPlan {
    @discardableResult
    public static func write(from plan: URL, audio: String, afterSlot slotLine: String) throws -> URL {
        let text = try String(contentsOf: plan, encoding: .utf8)
            .replacingOccurrences(of: slotLine + "\n",
                                  with: slotLine + "\n      - {name: now, days: [mon-sun], start: \"00:00\", length: 1h}\n")
            + "  - {id: long, title: Long, audio: \(audio), slots: [now], airings: {count: 1, per: window}}\n"
        let live = plan.deletingLastPathComponent().appendingPathComponent("live.yaml")
        try Data(text.utf8).write(to: live)
        return live
    }
}
