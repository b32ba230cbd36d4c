import LoaCore
import Foundation
import LoaL10n
import Yams

/// What loading a plan gives: the plan (best effort, so that later checks such as media can still report in the
/// same run) and every diagnostic. Use `validPlan` unless you also want a plan that has errors.
public struct PlanLoadResult: Sendable {
    public var plan: Plan?
    public var diagnostics: [Diagnostic]
    /// Audio of messages left out of `plan` because of other errors; `checkingDroppedMedia` still checks it.
    public var mediaOfDroppedEntries: [Media]
    /// The plan file and every file it includes, in reading order (what `loa hub publish` uploads besides audio).
    public var files: [URL] = []
    public init(plan: Plan?, diagnostics: [Diagnostic], mediaOfDroppedEntries: [Media] = []) {
        self.plan = plan; self.diagnostics = diagnostics; self.mediaOfDroppedEntries = mediaOfDroppedEntries
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// The plan when it has no errors.
    public var validPlan: Plan? { hasErrors ? nil : plan }
}

/// Reads a plan file (SPEC §1) with its includes, resolves templates and validates it. No audio is decoded here.
public enum PlanLoader {
    public static func load(file: URL) -> PlanLoadResult {
        let sink = DiagnosticSink()
        var collector = SectionCollector(sink: sink)
        collector.read(file: file.standardizedFileURL, includedFrom: nil, chain: [])
        let plan = PlanBuilder(sink: sink, sections: collector.sections, file: file.standardizedFileURL).build()
        var result = PlanLoadResult(plan: plan, diagnostics: sink.items, mediaOfDroppedEntries: sink.mediaOfDroppedEntries)
        result.files = collector.sections.files
        return result
    }

    /// Loads YAML given as text (for tests and generated plans); `file` names it in diagnostics and anchors
    /// relative paths. Includes are read from disk relative to `file`.
    public static func load(yaml: String, file: URL) -> PlanLoadResult {
        let sink = DiagnosticSink()
        var collector = SectionCollector(sink: sink)
        collector.read(text: yaml, file: file.standardizedFileURL, chain: [])
        let plan = PlanBuilder(sink: sink, sections: collector.sections, file: file.standardizedFileURL).build()
        return PlanLoadResult(plan: plan, diagnostics: sink.items, mediaOfDroppedEntries: sink.mediaOfDroppedEntries)
    }

    /// How a file is named in diagnostics: relative to the working directory when inside it.
    /// (The path relative to the working folder when it lies inside it, as the user most likely typed it.)
    public static func displayName(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

/// The top-level sections gathered from the main file and every included file, in include order.
struct Sections {
    var planHeader: YNode?
    var topics: [YNode] = []
    var templates: [YEntry] = []
    var stations: [YNode] = []
    var messages: [YNode] = []
    /// A file that could not be parsed leaves its sections unknown: don't also report them as missing.
    var unreadable = false
    /// Every file read, main file first.
    var files: [URL] = []
}

struct SectionCollector {
    let sink: DiagnosticSink
    var sections = Sections()
    static let topLevelKeys = ["include", "plan", "topics", "slot_templates", "stations", "messages"]

    mutating func read(file: URL, includedFrom: SourceLocation?, chain: [URL]) {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            let name = PlanLoader.displayName(file)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir) {
                let why = isDir.boolValue ? ("là một thư mục", "is a folder") : ("không đọc được", "cannot be read")
                sink.error("tệp kế hoạch \(name) \(why.0)", "plan file \(name) \(why.1)", at: includedFrom)
            } else {
                if includedFrom == nil { sections.unreadable = true }
                sink.error("không có tệp kế hoạch \(name)", "plan file \(name) does not exist", at: includedFrom)
            }
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.error("tệp \(PlanLoader.displayName(file)) không phải văn bản UTF-8",
                       "file \(PlanLoader.displayName(file)) is not UTF-8 text",
                       at: includedFrom ?? SourceLocation(file: PlanLoader.displayName(file), line: 1, column: 1))
            return
        }
        sections.files.append(file)
        read(text: text, file: file, chain: chain)
    }

    mutating func read(text: String, file: URL, chain: [URL]) {
        let name = PlanLoader.displayName(file)
        let root: Node?
        do {
            // The basic resolver skips Yams' regex typing of every scalar: values are read from their raw text.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            sink.append(Self.diagnostic(for: error, file: name))
            sections.unreadable = true
            return
        } catch {
            sections.unreadable = true
            sink.error("lỗi YAML: \(error)", "YAML error: \(error)", at: SourceLocation(file: name, line: 1, column: 1))
            return
        }
        guard let root else {
            sink.error("tệp trống", "the file is empty", at: SourceLocation(file: name, line: 1, column: 1))
            return
        }
        let top = YNode(node: root, file: name)
        let reader = YReader(sink: sink)
        guard let entries = reader.mapping(top, "the plan file", "tệp kế hoạch") else { return }
        let keyed = reader.keyed(entries, in: top, allowed: Self.topLevelKeys, where: "the top level", "cấp ngoài cùng")

        if let p = keyed["plan"] {
            if chain.isEmpty { sections.planHeader = p.value } else {
                sink.error("'plan:' chỉ được viết trong tệp chính, không trong tệp được include",
                           "'plan:' belongs in the main file, not in an included file", at: p.keyNode.location)
            }
        }
        for (key, vi) in [("topics", "topics"), ("stations", "stations"), ("messages", "messages")] {
            guard let e = keyed[key], !e.value.isNull,
                  let items = reader.list(e.value, "'\(key)'", "'\(vi)'", allowScalar: false) else { continue }
            switch key {
            case "topics": sections.topics += items
            case "stations": sections.stations += items
            default: sections.messages += items
            }
        }
        if let e = keyed["slot_templates"], !e.value.isNull,
           let items = reader.mapping(e.value, "'slot_templates'", "'slot_templates'") {
            sections.templates += items
        }
        if let e = keyed["include"], !e.value.isNull, let items = reader.list(e.value, "'include'", "'include'") {
            let here = chain + [file]
            for item in items {
                guard let rel = reader.string(item, "an include path", "đường dẫn include") else { continue }
                let target = URL(fileURLWithPath: rel, relativeTo: file.deletingLastPathComponent())
                    .standardizedFileURL
                let key = target.resolvingSymlinksInPath()
                if let start = here.firstIndex(where: { $0.resolvingSymlinksInPath() == key }) {
                    let cycle = (here[start...] + [target]).map { $0.lastPathComponent }.joined(separator: " → ")
                    sink.error("include vòng tròn: \(cycle)", "include cycle: \(cycle)", at: item.location)
                    continue
                }
                read(file: target, includedFrom: item.location, chain: here)
            }
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text), \($0.mark.line):\($0.mark.column))" } ?? ""
            return .error("lỗi cú pháp YAML: \(problem)\(ctx)", "YAML syntax error: \(problem)\(ctx)", at: at(mark))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .error("khóa bị lặp trong cùng một bảng: \(keys)", "duplicate key in one mapping: \(keys)",
                          at: at(context.mark))
        case let .reader(problem, offset, _, yaml):
            var line = 1, column = 1
            if let offset {
                for ch in yaml.prefix(offset) { if ch == "\n" { line += 1; column = 1 } else { column += 1 } }
            }
            return .error("lỗi đọc YAML: \(problem)", "YAML read error: \(problem)",
                          at: SourceLocation(file: file, line: line, column: column))
        default:
            return .error("lỗi YAML: \(error)", "YAML error: \(error)",
                          at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}
