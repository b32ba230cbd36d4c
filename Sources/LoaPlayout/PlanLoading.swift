import Foundation
import LoaAudio
import LoaCore
import LoaL10n
import LoaPlan
import LoaSystem

/// LoaPlan's file-system questions answered by the operating-system wrapper, and its measurements by LoaAudio's
/// content cache (the one cache every hash goes through): a warm cache answers with one `stat` per file.
public struct CachedAudioProbe: MediaProbe {
    public let cache: MediaInfoCache
    public init(cache: MediaInfoCache = MediaInfoCache()) { self.cache = cache }

    public func inspect(_ path: String) -> MediaFileStatus? {
        guard let status = FileStatus.of(path) else { return nil }
        let kind: MediaFileStatus.Kind = switch status.type {
        case .regular: .regular
        case .directory: .directory
        case .other: .other
        }
        return MediaFileStatus(kind: kind, size: status.size, canonicalPath: FileStatus.canonicalPath(path) ?? path,
                               isReadable: FileStatus.isReadable(path))
    }

    public func measure(_ file: URL) throws -> MeasuredMedia {
        do {
            // Decoded to the end, not read from the header: a truncated or corrupt file is refused at check, not
            // found out on air. One decode measures length and loudness together, cached by content hash, so only
            // content never seen before costs anything.
            let analysis = try cache.analysis(of: file)
            return MeasuredMedia(duration: analysis.info.duration, sha256: analysis.sha256)
        } catch {
            let why = error.libraryMessage.isEmpty ? error.kind.rawValue : error.libraryMessage
            let kind: MediaProbeError.Kind = switch error.kind {
            case .fileMissing: .missing
            case .fileUnreadable, .io: .unreadable
            case .emptyAudio: .empty
            default: .notAudio
            }
            throw MediaProbeError(kind, subject: file.path, detail: kind == .missing || kind == .empty ? "" : why)
        }
    }
}

/// The text-to-speech renderer used when loading plans: espeak-ng into the speech cache (`LOA_CACHE_DIR`/speech).
public func defaultSpeechRenderer() -> (any SpeechRenderer)? { EspeakSpeechHook() }

/// Loads a plan, checks it and resolves its media through the cached probe; all diagnostics together. Every
/// command and the daemon's reload load plans through this.
public func loadCheckedPlan(path: String, probe: (any MediaProbe)? = nil,
                            renderer: (any SpeechRenderer)? = defaultSpeechRenderer()) -> PlanLoadResult {
    let url = URL(fileURLWithPath: path)
    let loaded = PlanLoader.load(file: url)
    let cached = probe == nil ? CachedAudioProbe() : nil
    defer { cached?.cache.save() }
    let activeProbe = probe ?? cached!
    let resolved = loaded.plan.map { $0.resolvingMedia(probe: activeProbe, renderer: renderer) }
    let dropped = loaded.checkingDroppedMedia(planFile: url, probe: activeProbe)
    var result = PlanLoadResult(plan: resolved?.plan, diagnostics: loaded.diagnostics + (resolved?.diagnostics ?? []) + dropped)
    result.files = loaded.files
    return result
}

/// `loadCheckedPlan` with the station's `local.yaml` laid over it (SPEC §7): its slot times and local announcements.
/// A missing file changes nothing; a faulty one is an error naming it.
public func loadCheckedPlan(path: String, local: URL, station: String,
                            renderer: (any SpeechRenderer)? = defaultSpeechRenderer()) -> PlanLoadResult {
    let result = loadCheckedPlan(path: path, renderer: renderer)
    guard let plan = result.validPlan else { return result }
    let additions: LocalAdditions
    do { additions = try LocalAdditions.read(local, station: station) } catch {
        return PlanLoadResult(plan: nil, diagnostics: result.diagnostics + [Diagnostic(.error, error.localized, at: nil)])
    }
    guard additions.slots != nil || !additions.messages.isEmpty else { return result }
    let probe = CachedAudioProbe()
    defer { probe.cache.save() }
    let (merged, problems) = plan.applying(additions, folder: local.deletingLastPathComponent(), file: local.path,
                                           probe: probe, renderer: renderer)
    guard problems.isEmpty else {
        let named = problems.map { Diagnostic(.error, Localized(vi: "\(local.path): \($0.vi)", en: "\(local.path): \($0.en)"), at: nil) }
        return PlanLoadResult(plan: nil, diagnostics: result.diagnostics + named)
    }
    return PlanLoadResult(plan: merged, diagnostics: result.diagnostics)
}
