import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Loudness of a whole file (EBU R128 integrated, and true peak).
public struct Loudness: Sendable, Hashable, Codable {
    public var integratedLUFS: Double
    public var truePeakDBTP: Double
    public init(integratedLUFS: Double, truePeakDBTP: Double) {
        self.integratedLUFS = integratedLUFS; self.truePeakDBTP = truePeakDBTP
    }
}

/// What the cache knows about one file's content.
public struct MediaFacts: Sendable, Hashable, Codable {
    public var sha256: String
    public var info: AudioInfo
    public var loudness: Loudness?
}

/// Measurements keyed by content hash, so the same audio is decoded once however it is named or moved.
/// A stat fast path (path, size, mtime, inode → hash) spares re-hashing unchanged files: a warm check of a
/// large plan then costs one `stat` per file.
public final class MediaInfoCache: Sendable {
    private struct Store: Codable {
        var version = 1
        /// stat key → content hash
        var hashes: [String: String] = [:]
        /// content hash → facts
        var facts: [String: MediaFacts] = [:]
    }

    public let file: URL
    private let store: Mutex<(store: Store, dirty: Bool)>
    private let saving = Mutex(())

    /// `LOA_CACHE_DIR`, else `$XDG_CACHE_HOME/loa`, else `~/.cache/loa`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["LOA_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("loa")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/loa")
    }

    /// A cache that can't be read starts empty: it only ever saves work, never decides anything.
    public init(directory: URL = MediaInfoCache.defaultDirectory()) {
        file = directory.appendingPathComponent("media-v1.json")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let loaded = (try? Data(contentsOf: file)).flatMap { try? decoder.decode(Store.self, from: $0) }
        store = Mutex((loaded ?? Store(), false))
    }

    /// Facts for the file at `url`, measuring (and hashing) only what the cache doesn't know.
    public func facts(of url: URL) throws(AudioError) -> MediaFacts {
        try facts(of: url) { (u) throws(AudioError) in (try AudioProbe.info(of: u), nil) }
    }

    /// Facts, examining content the cache has never seen with `examine` (a plain probe, or probe and measure).
    func facts(of url: URL, examine: (URL) throws(AudioError) -> (AudioInfo, Loudness?)) throws(AudioError)
        -> MediaFacts {
        let key = Self.statKey(url)
        if let key, let known = store.withLock({ s in s.store.hashes[key].flatMap { s.store.facts[$0] } }) {
            return known
        }
        let sha = try ContentHash.sha256(of: url)
        if let known = store.withLock({ $0.store.facts[sha] }) {
            if let key { store.withLock { $0.store.hashes[key] = sha; $0.dirty = true } }
            return known
        }
        let (info, loudness) = try examine(url)
        let facts = MediaFacts(sha256: sha, info: info, loudness: loudness)
        store.withLock { s in
            s.store.facts[sha] = facts
            if let key { s.store.hashes[key] = sha }
            s.dirty = true
        }
        return facts
    }

    /// The content hash alone, never decoding: from the stat fast path for a file seen before, else hashed now
    /// (an emergency's new MP3 must not be decoded whole before it airs).
    public func sha256(of url: URL) throws(AudioError) -> String {
        let key = Self.statKey(url)
        if let key, let sha = store.withLock({ $0.store.hashes[key] }) { return sha }
        let sha = try ContentHash.sha256(of: url)
        if let key { store.withLock { $0.store.hashes[key] = sha; $0.dirty = true } }
        return sha
    }

    /// The loudness measured for this content, if it ever was.
    public func knownLoudness(sha256: String) -> Loudness? { store.withLock { $0.store.facts[sha256]?.loudness } }

    /// Records a loudness measurement for content already known by hash.
    public func record(loudness: Loudness, forSHA256 sha: String) {
        store.withLock { s in
            guard s.store.facts[sha] != nil else { return }
            s.store.facts[sha]?.loudness = loudness
            s.dirty = true
        }
    }

    /// Writes the cache if anything changed. Failure to save is not an error for the caller's work. Saves run one
    /// at a time (a player saves on a thread of its own beside each play), so an older snapshot never lands after a
    /// newer one, and a change made while a save runs stays marked for the next.
    @discardableResult
    public func save() -> Bool {
        saving.withLock { _ in
            let snapshot: Store? = store.withLock { s in defer { s.dirty = false }; return s.dirty ? s.store : nil }
            guard let snapshot else { return true }
            if write(snapshot) { return true }
            store.withLock { $0.dirty = true }
            return false
        }
    }

    private func write(_ snapshot: Store) -> Bool {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = Self.nonFinite
            // A temporary file beside it, then rename: Foundation's `.atomic` leaves a folder behind in /tmp each time.
            let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
            try encoder.encode(snapshot).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                return false
            }
            return true
        } catch {
            return false
        }
    }

    /// Silence measures −∞ LUFS / −∞ dBTP, which plain JSON cannot hold.
    private static let nonFinite = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    private static func statKey(_ url: URL) -> String? {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return nil }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return "\(url.standardizedFileURL.path)|\(st.st_size)|\(mtime)|\(st.st_ino)"
    }
}
