import Foundation

/// How urgent a message is (Circular 39/2020/TT-BTTTT): *thông thường*, *ưu tiên*, *khẩn cấp*. Within a slot
/// emergency airs first, then priority, then normal; an emergency slot pre-empts whatever plays.
///
/// ```swift
/// Priority(name: "priority")   // .priority
/// Priority.emergency > .normal  // true
/// ```
public enum Priority: Int, Sendable, Hashable, Comparable, CaseIterable {
    case normal = 0, priority = 1, emergency = 2
    public init?(name: String) {
        switch name { case "normal": self = .normal; case "priority": self = .priority
        case "emergency": self = .emergency; default: return nil }
    }
    /// The plan file's word: `normal`, `priority`, `emergency`.
    public var name: String { ["normal", "priority", "emergency"][rawValue] }
    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
}

/// A position in a file, 1-based, as the YAML parser reports it: `plan.yaml:12:5`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }
    public var description: String { "\(file):\(line):\(column)" }
}

/// Audio the plan airs: a message's file, a station's intro or outro, or speech rendered from a message's text.
///
/// Made once, when the plan loads: the plan's media resolver joins `path` to the plan's folder (the only place that
/// join happens), measures the file and hashes it through the one content cache. The scheduler copies the value
/// into each ``ScheduledItem``; the engine airs `url` and logs `path` and `sha256` without looking anything up again.
///
/// ```swift
/// let flooding = Media(path: "audio/flooding.flac")          // as the plan names it; not resolved yet
/// flooding.isResolved                                         // false: no url, duration or hash
/// ```
public struct Media: Sendable, Hashable {
    /// As the plan names it, relative to the plan's folder (`audio/flooding.flac`); for speech, the rendering's path.
    public var path: String
    /// Where the file is on this machine, absolute; nil until resolved.
    public var url: URL?
    /// Decoded length in seconds; nil until resolved.
    public var duration: Double?
    /// SHA-256 of the file's bytes (hex) when it was resolved; what the log records as `audio_sha256`.
    public var sha256: String?
    /// Where the plan names it, for diagnostics.
    public var writtenAt: SourceLocation?

    public init(path: String, url: URL? = nil, duration: Double? = nil, sha256: String? = nil,
                writtenAt: SourceLocation? = nil) {
        self.path = path; self.url = url; self.duration = duration; self.sha256 = sha256; self.writtenAt = writtenAt
    }

    /// Located and measured: it can be aired.
    public var isResolved: Bool { url != nil && duration != nil }

    /// The content-addressed name of a speech rendering: `speech/SHA256.EXT`.
    public static func speechPath(sha256: String, extension ext: String) -> String {
        "speech/\(sha256)" + (ext.isEmpty ? "" : ".\(ext)")
    }

    /// Whether `path` names a speech rendering by its content rather than a file of the plan.
    public var isSpeech: Bool { path.hasPrefix("speech/") }
}
