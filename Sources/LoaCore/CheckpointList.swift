import Foundation
import LoaL10n

extension Checkpoint {
    /// Reads checkpoints kept off the box (`loa log verify --anchor FILE`): a JSON array of checkpoints, or JSON
    /// lines (one checkpoint per line, blank lines allowed). Throws naming the line (or the array) that is not one.
    public static func decodeList(_ data: Data, file: String) throws -> [Checkpoint] {
        let decoder = JSONDecoder()
        let text = String(decoding: data, as: UTF8.self)
        if text.first(where: { !$0.isWhitespace }) == "[" {
            do { return try decoder.decode([Checkpoint].self, from: data) } catch {
                throw CheckpointListError(file: file, line: nil)
            }
        }
        var list: [Checkpoint] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let c = try? decoder.decode(Checkpoint.self, from: Data(line.utf8)) else {
                throw CheckpointListError(file: file, line: i + 1)
            }
            list.append(c)
        }
        return list
    }
}

/// A file of checkpoints that does not read as one.
public struct CheckpointListError: LoaError {
    public enum Kind: Sendable { case notACheckpoint }
    public var kind: Kind { .notACheckpoint }
    public var file: String
    public var line: Int?
    public init(file: String, line: Int?) { self.file = file; self.line = line }
    public var subject: String { line.map { "\(file):\($0)" } ?? file }
    public var localized: Localized {
        Localized(vi: "\(subject): không phải điểm kiểm tra (JSON: station, seq, hash, at, public_key, signature)",
                  en: "\(subject): not a checkpoint (JSON: station, seq, hash, at, public_key, signature)")
    }
}
