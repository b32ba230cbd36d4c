import LoaCore
import Foundation
import LoaL10n
import Yams

/// Collects every problem of a run so the operator sees them all at once instead of fixing one per run.
final class DiagnosticSink {
    private(set) var items: [Diagnostic] = []
    /// Audio named by entries left out of the plan for other errors: still checked, so one run reports everything.
    var mediaOfDroppedEntries: [Media] = []
    var hasErrors: Bool { items.contains { $0.severity == .error } }

    func error(_ vi: String, _ en: String, at location: SourceLocation?) {
        items.append(.error(vi, en, at: location))
    }
    func warning(_ vi: String, _ en: String, at location: SourceLocation?) {
        items.append(.warning(vi, en, at: location))
    }
    func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }
}

/// A YAML node together with the file it came from, so every value can be traced back to `file:line:column`.
struct YNode {
    let node: Node
    let file: String

    var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// The scalar's text exactly as written (YAML's own typing is ignored: `1.10` stays "1.10").
    var scalar: String? {
        if case .scalar(let s) = node { return s.string }
        return nil
    }

    var kindName: Localized {
        switch node {
        case .scalar: return isNull ? Localized(vi: "giá trị rỗng", en: "an empty value")
                                    : Localized(vi: "một giá trị đơn", en: "a single value")
        case .mapping: return Localized(vi: "một bảng khóa: giá trị", en: "a mapping (key: value)")
        case .sequence: return Localized(vi: "một danh sách", en: "a list")
        case .alias: return Localized(vi: "một tham chiếu", en: "an alias")
        }
    }
}

/// One `key: value` pair of a mapping.
struct YEntry {
    let key: String
    let keyNode: YNode
    let value: YNode
}

/// Typed reading of YAML nodes; every failure becomes a positioned diagnostic and a nil result.
struct YReader {
    let sink: DiagnosticSink

    func mapping(_ n: YNode, _ what: String, _ whatVI: String) -> [YEntry]? {
        guard case .mapping(let m) = n.node else {
            wrongType(n, expectedVI: "một bảng khóa: giá trị", expectedEN: "a mapping (key: value)",
                      what: what, whatVI: whatVI)
            return nil
        }
        return m.map { pair in
            YEntry(key: pair.key.string ?? "", keyNode: YNode(node: pair.key, file: n.file),
                   value: YNode(node: pair.value, file: n.file))
        }
    }

    /// A list; a single scalar is accepted as a one-item list (`days: mon-fri`, `targets: all`).
    func list(_ n: YNode, _ what: String, _ whatVI: String, allowScalar: Bool = true) -> [YNode]? {
        switch n.node {
        case .sequence(let s): return s.map { YNode(node: $0, file: n.file) }
        case .scalar where allowScalar && !n.isNull: return [n]
        default:
            wrongType(n, expectedVI: "một danh sách", expectedEN: "a list", what: what, whatVI: whatVI)
            return nil
        }
    }

    func string(_ n: YNode, _ what: String, _ whatVI: String) -> String? {
        guard let s = n.scalar, !n.isNull else {
            wrongType(n, expectedVI: "một giá trị chữ", expectedEN: "a text value", what: what, whatVI: whatVI)
            return nil
        }
        return s
    }

    func int(_ n: YNode, _ what: String, _ whatVI: String) -> Int? {
        guard let s = n.scalar, let v = Int(s) else {
            wrongType(n, expectedVI: "một số nguyên", expectedEN: "a whole number", what: what, whatVI: whatVI)
            return nil
        }
        return v
    }

    /// A whole number inside `range`: every number from a file gets one, so no arithmetic on input can overflow.
    func int(_ n: YNode, _ what: String, _ whatVI: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = int(n, what, whatVI) else { return nil }
        guard range.contains(v) else {
            sink.error("\(whatVI) phải từ \(range.lowerBound) đến \(range.upperBound) (đang là \(v))",
                       "\(what) must be \(range.lowerBound) to \(range.upperBound) (it is \(v))", at: n.location)
            return nil
        }
        return v
    }

    func date(_ n: YNode, _ what: String, _ whatVI: String) -> CivilDate? {
        guard let s = n.scalar, let d = CivilDate(s) else {
            wrongType(n, expectedVI: "một ngày dạng YYYY-MM-DD", expectedEN: "a date YYYY-MM-DD",
                      what: what, whatVI: whatVI)
            return nil
        }
        return d
    }

    func time(_ n: YNode, _ what: String, _ whatVI: String) -> TimeOfDay? {
        guard let s = n.scalar, let t = TimeOfDay(s) else {
            wrongType(n, expectedVI: "một giờ dạng HH:MM (ví dụ \"06:00\")",
                      expectedEN: "a time HH:MM (for example \"06:00\")", what: what, whatVI: whatVI)
            return nil
        }
        return t
    }

    /// Lengths like `90s`, `15m`, `1h`, `1h30m`. A bare number means seconds only where `bareSeconds` is set.
    /// A length of at most a day: every length a plan names (slots, pauses) fits in one.
    func length(_ n: YNode, _ what: String, _ whatVI: String, bareSeconds: Bool = false) -> Double? {
        guard let s = n.scalar, let v = parseLength(s, bareSeconds: bareSeconds) else {
            wrongType(n, expectedVI: "một độ dài như 90s, 15m hoặc 1h", expectedEN: "a length like 90s, 15m or 1h",
                      what: what, whatVI: whatVI)
            return nil
        }
        guard v <= 86_400 else {
            sink.error("\(whatVI) dài hơn một ngày: \(s)", "\(what) is longer than a day: \(s)", at: n.location)
            return nil
        }
        return v
    }

    func wrongType(_ n: YNode, expectedVI: String, expectedEN: String, what: String, whatVI: String) {
        let found = n.kindName
        let shown = n.scalar.map { $0.isEmpty ? "" : " '\($0)'" } ?? ""
        sink.error("\(whatVI): cần \(expectedVI), nhưng gặp \(found.vi)\(shown)",
                   "\(what): expected \(expectedEN), found \(found.en)\(shown)", at: n.location)
    }

    /// Reports keys that are not in `allowed` (suggesting the nearest one) and `required` keys that are missing.
    /// Returns the entries by key (first occurrence).
    func keyed(_ entries: [YEntry], in container: YNode, allowed: [String], required: [String] = [],
               where whereEN: String, _ whereVI: String) -> [String: YEntry] {
        var byKey: [String: YEntry] = [:]
        for e in entries {
            if allowed.contains(e.key) {
                if byKey[e.key] == nil { byKey[e.key] = e }
            } else if let near = nearest(e.key, in: allowed) {
                sink.error("khóa lạ '\(e.key)' trong \(whereVI); có phải là '\(near)'?",
                           "unknown key '\(e.key)' in \(whereEN); did you mean '\(near)'?", at: e.keyNode.location)
            } else {
                let list = allowed.joined(separator: ", ")
                sink.error("khóa lạ '\(e.key)' trong \(whereVI); các khóa dùng được: \(list)",
                           "unknown key '\(e.key)' in \(whereEN); known keys: \(list)", at: e.keyNode.location)
            }
        }
        for key in required where byKey[key] == nil || byKey[key]!.value.isNull {
            sink.error("thiếu '\(key)' trong \(whereVI)", "missing '\(key)' in \(whereEN)",
                       at: byKey[key]?.keyNode.location ?? container.location)
        }
        return byKey
    }
}

/// Parses `90s`, `15m`, `1h`, `1h30m`, `2.5s`; nil when malformed.
func parseLength(_ text: String, bareSeconds: Bool = false) -> Double? {
    let s = text.trimmingCharacters(in: .whitespaces).lowercased()
    if bareSeconds, let v = Double(s), v >= 0 { return v }
    var total = 0.0, number = "", sawUnit = false
    for ch in s {
        if ch.isASCII && (ch.isNumber || ch == ".") { number.append(ch); continue }
        guard let v = Double(number) else { return nil }
        switch ch {
        case "h": total += v * 3600
        case "m": total += v * 60
        case "s": total += v
        default: return nil
        }
        number = ""; sawUnit = true
    }
    guard number.isEmpty, sawUnit, total.isFinite else { return nil }
    return total
}

/// The closest candidate by edit distance, when close enough to be a plausible typo.
func nearest(_ word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (c, d) = best, d <= max(2, word.count / 3), d < max(word.count, 1) else { return nil }
    return c
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// Ids are `[a-z0-9-]+` so they work as file names and in logs.
func isValidID(_ s: String) -> Bool {
    !s.isEmpty && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
}
