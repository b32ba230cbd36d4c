import ArgumentParser
import Foundation
import LoaAudio
import LoaL10n
import LoaPlan

/// LoaAudio's content-hash cached probe as LoaPlan's `MediaProbe`: a warm cache answers with one `stat` per file.
public struct CachedAudioProbe: MediaProbe {
    public let cache: MediaInfoCache
    public init(cache: MediaInfoCache = MediaInfoCache()) { self.cache = cache }

    public func duration(of file: URL) throws -> Double {
        do {
            return try cache.facts(of: file).info.duration
        } catch {
            let why = error.libraryMessage.isEmpty ? error.kind.rawValue : error.libraryMessage
            switch error.kind {
            case .fileMissing: throw MediaProbeError.missing
            case .fileUnreadable, .io: throw MediaProbeError.unreadable(why)
            case .emptyAudio: throw MediaProbeError.empty
            default: throw MediaProbeError.notAudio(why)
            }
        }
    }
}

/// The text-to-speech renderer used when loading plans: espeak-ng into the speech cache (`LOA_CACHE_DIR`/speech).
public func defaultSpeechRenderer() -> (any SpeechRenderer)? { EspeakSpeechHook() }

/// Loads a plan, checks it and resolves its media through the cached probe; all diagnostics together.
public func loadCheckedPlan(path: String, probe: (any MediaProbe)? = nil,
                            renderer: (any SpeechRenderer)? = defaultSpeechRenderer()) -> PlanLoadResult {
    let url = URL(fileURLWithPath: path)
    let loaded = PlanLoader.load(file: url)
    let cached = probe == nil ? CachedAudioProbe() : nil
    defer { cached?.cache.save() }
    let activeProbe = probe ?? cached!
    let resolved = loaded.plan.map { $0.resolvingMedia(probe: activeProbe, renderer: renderer) }
    let dropped = loaded.checkingDroppedMedia(planFile: url, probe: activeProbe)
    return PlanLoadResult(plan: resolved?.plan, diagnostics: loaded.diagnostics + (resolved?.diagnostics ?? []) + dropped)
}

/// Prints diagnostics to stderr, one `file:line:column: error: …` line each.
public func printDiagnostics(_ diagnostics: [Diagnostic]) {
    guard !diagnostics.isEmpty else { return }
    let text = diagnostics.map { $0.formatted() }.joined(separator: "\n") + "\n"
    FileHandle.standardError.write(Data(text.utf8))
}

/// Contract A: every command loads plans through this. Prints diagnostics (warnings too) to stderr and throws
/// `ExitCode(1)` when there is any error.
public func loadValidPlan(path: String) throws -> Plan {
    let result = loadCheckedPlan(path: path)
    printDiagnostics(result.diagnostics)
    guard let plan = result.validPlan else {
        let n = result.errors.count
        FileHandle.standardError.write(Data((tr("\(n) lỗi trong kế hoạch \(path)", "\(n) error(s) in plan \(path)")
                                             + "\n").utf8))
        throw ExitCode(1)
    }
    return plan
}
