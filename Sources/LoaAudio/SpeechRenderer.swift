import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What to speak and how: a `text:` message or an emergency text.
public struct SpeechRequest: Sendable, Hashable {
    public var text: String
    /// An espeak-ng voice: `vi` (northern), `vi-vn-x-central`, `vi-vn-x-south`.
    public var voice: String
    /// Words per minute (espeak-ng `-s`); nil = the engine's default (175).
    public var speed: Int?
    /// Readings of the text, with `pauseSeconds` of silence between them.
    public var repeatCount: Int
    public var pauseSeconds: Double

    public init(text: String, voice: String = "vi", speed: Int? = nil, repeatCount: Int = 1,
                pauseSeconds: Double = 2) {
        self.text = text; self.voice = voice; self.speed = speed; self.repeatCount = repeatCount
        self.pauseSeconds = pauseSeconds
    }
}

/// A rendered bulletin: a WAV in the cache named by its own SHA-256, which is what the airing log records.
public struct RenderedSpeech: Sendable, Hashable {
    public var url: URL
    public var sha256: String
    public var info: AudioInfo
    /// False when the cache already held this rendering and the engine was not run.
    public var rendered: Bool
    public var duration: Double { info.duration }
}

/// Renders text with espeak-ng into a content-addressed cache. The lookup key is a SHA-256 of the NFC text, voice,
/// speed, repeat count, pause and the engine's version line, so the same bulletin is rendered once per engine
/// version, and a file's name always matches its bytes (evidence for the log's `audio_sha256`).
///
/// Layout of `directory`, flat so that one group-writable folder can be shared by the daemon's user and operators
/// (`loa emergency --text`): `<content-sha256>.wav` and `<key>.key` (holding the content hash). Both are written
/// under a hidden temporary name and renamed into place, so readers never see half a file and concurrent renders
/// are harmless. The engine itself works in a folder under the system's temporary directory.
public final class EspeakRenderer: Sendable {
    public static let supportedVoices = ["vi", "vi-vn-x-central", "vi-vn-x-south"]
    public static let speedRange = 80...450
    public static let repeatRange = 1...10
    public static let pauseRange = 0.0...60.0
    /// About 20 minutes of speech: anything longer is surely a pasting accident.
    public static let maxCharacters = 20_000

    public let directory: URL
    /// Limit for one engine run; espeak-ng renders a minute of speech in well under a second.
    public let timeout: Double
    private let engine: SpeechEngine
    private let state = Mutex(State())

    private struct State {
        var version: String?
        var voices: Set<String>?
        var renders = 0
    }

    /// `LOA_CACHE_DIR`/speech (see `MediaInfoCache.defaultDirectory`).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        MediaInfoCache.defaultDirectory(environment: environment).appendingPathComponent("speech")
    }

    /// `directory` nil = `defaultDirectory()`, or, where that cannot be created (a service user without a writable
    /// home), a folder in the temporary directory: renders then last only as long as it, but the plan still loads.
    /// `engine` is the espeak-ng program; nil finds `espeak-ng` on `PATH`. `dataPath` is the folder holding an
    /// `espeak-ng-data` folder (espeak-ng `--path`), for voices installed outside the system data; nil = the
    /// engine's own.
    public init(directory: URL? = nil, engine: URL? = nil, dataPath: URL? = nil, timeout: Double = 60) {
        self.directory = directory ?? Self.usableDefaultDirectory()
        self.engine = SpeechEngine(executable: engine ?? SpeechEngine.locate(), dataPath: dataPath)
        self.timeout = timeout
    }

    private static func usableDefaultDirectory() -> URL {
        let preferred = defaultDirectory()
        if (try? makeSharedDirectory(preferred)) != nil,
           FileManager.default.isWritableFile(atPath: preferred.path) {
            return preferred
        }
        // The shared temporary folder is anyone's: use the folder there only if it is ours and closed to others
        // (another user could plant key files in it and change what a text message airs); else a fresh one.
        let fallback = FileManager.default.temporaryDirectory.appendingPathComponent("loa-speech-\(getuid())")
        if isPrivate(fallback) { return fallback }
        if mkdir(fallback.path, 0o700) == 0, isPrivate(fallback) { return fallback }
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("loa-speech-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { return fallback.appendingPathComponent("unusable") }
        return URL(fileURLWithPath: String(cString: made))
    }

    /// A real folder (not a link) owned by this user with no group or other write.
    static func isPrivate(_ url: URL) -> Bool {
        var st = stat()
        guard lstat(url.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return false }
        return st.st_uid == getuid() && st.st_mode & 0o022 == 0
    }

    /// How many times this renderer has run the engine to synthesise speech (cache hits don't count).
    public var renderCount: Int { state.withLock { $0.renders } }

    /// The engine's `--version` line, part of every cache key.
    public func engineVersion() throws(SpeechError) -> String {
        if let known = state.withLock({ $0.version }) { return known }
        let output = try withWorkDirectory { dir throws(SpeechError) in
            try engine.run(["--version"], in: dir, timeout: timeout)
        }
        let line = output.stdout.split(separator: "\n").first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard output.status == 0, !line.isEmpty else {
            throw SpeechError(.engineFailed, subject: engine.executable.path,
                              detail: "--version: exit \(output.status) \(output.stderr)")
        }
        state.withLock { $0.version = line }
        return line
    }

    /// Voice names the installed engine knows, lowercased.
    public func availableVoices() throws(SpeechError) -> Set<String> {
        if let known = state.withLock({ $0.voices }) { return known }
        let output = try withWorkDirectory { dir throws(SpeechError) in
            try engine.run(["--voices"], in: dir, timeout: timeout)
        }
        guard output.status == 0 else {
            throw SpeechError(.engineFailed, subject: engine.executable.path,
                              detail: "--voices: exit \(output.status) \(output.stderr)")
        }
        let voices = SpeechEngine.parseVoices(output.stdout)
        state.withLock { $0.voices = voices }
        return voices
    }

    /// Throws `.unknownVoice` unless the engine has `voice` (or `.engineMissing` when there is no engine).
    public func checkVoice(_ voice: String) throws(SpeechError) {
        // A name that could read as an option, or carries spaces or slashes, is no voice at all.
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_")
        let lower = voice.lowercased()
        guard !lower.isEmpty, !lower.hasPrefix("-"), lower.allSatisfy({ allowed.contains($0) }) else {
            throw SpeechError(.unknownVoice, subject: voice)
        }
        // The listing is the only reliable test: espeak-ng falls back from a missing `vi-vn-x-south` to `vi`
        // and exits 0, so an absent regional voice would otherwise air silently in the northern one.
        guard try availableVoices().contains(lower) else { throw SpeechError(.unknownVoice, subject: voice) }
    }

    /// NFC-normalises the text and turns control characters (other than newlines) into spaces, which espeak-ng
    /// would not speak anyway; rejects text with nothing to say or absurd length.
    public static func prepare(_ text: String) throws(SpeechError) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            let control = scalar.properties.generalCategory == .control && scalar != "\n"
            scalars.append(control ? " " : scalar)
        }
        let cleaned = String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
        guard cleaned.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw SpeechError(.emptyText, subject: "text")
        }
        let count = cleaned.count
        guard count <= maxCharacters else {
            throw SpeechError(.textTooLong, subject: "text", detail: "\(count) > \(maxCharacters)")
        }
        return cleaned
    }

    /// Range checks for speed, repeat and pause, with the allowed range in the message.
    public static func checkOptions(_ request: SpeechRequest) throws(SpeechError) {
        if let speed = request.speed, !speedRange.contains(speed) {
            throw SpeechError(.badOption, subject: "speed",
                              detail: "\(speed); \(speedRange.lowerBound)–\(speedRange.upperBound) wpm")
        }
        guard repeatRange.contains(request.repeatCount) else {
            throw SpeechError(.badOption, subject: "repeat",
                              detail: "\(request.repeatCount); \(repeatRange.lowerBound)–\(repeatRange.upperBound)")
        }
        guard request.pauseSeconds.isFinite, pauseRange.contains(request.pauseSeconds) else {
            throw SpeechError(.badOption, subject: "pause",
                              detail: "\(request.pauseSeconds); 0–\(Int(pauseRange.upperBound)) s")
        }
    }

    /// Checks everything `render` would check, without synthesising (for `loa check` style validation).
    public func validate(_ request: SpeechRequest) throws(SpeechError) {
        _ = try Self.prepare(request.text)
        try Self.checkOptions(request)
        try checkVoice(request.voice)
    }

    /// The cache key for a request (hex SHA-256).
    public func cacheKey(for request: SpeechRequest) throws(SpeechError) -> String {
        cacheKey(text: try Self.prepare(request.text), request: request, version: try engineVersion())
    }

    private func cacheKey(text: String, request: SpeechRequest, version: String) -> String {
        let pauseMs = Int((request.pauseSeconds * 1000).rounded())
        // `--version` names the system data folder even under `--path`, so the data folder is a field of its own.
        let fields = ["loa-speech-1", version, engine.dataPath?.path ?? "", request.voice.lowercased(),
                      request.speed.map(String.init) ?? "default",
                      String(request.repeatCount), String(pauseMs), text]
        // NUL cannot occur in prepared text (it is a control character), so the join is unambiguous.
        let digest = SHA256.hash(data: Data(fields.joined(separator: "\u{0}").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The rendered WAV for `request`, from the cache when it holds it (verified against its name).
    public func render(_ request: SpeechRequest) throws(SpeechError) -> RenderedSpeech {
        let text = try Self.prepare(request.text)
        try Self.checkOptions(request)
        try checkVoice(request.voice)
        let key = cacheKey(text: text, request: request, version: try engineVersion())
        let keyFile = directory.appendingPathComponent("\(key).key")
        if let hit = cached(keyFile: keyFile) { return hit }

        return try withWorkDirectory { work throws(SpeechError) in
            let textURL = work.appendingPathComponent("text.txt")
            let readingURL = work.appendingPathComponent("reading.wav")
            do { try Data(text.utf8).write(to: textURL) } catch {
                throw SpeechError(.audio, subject: textURL.path,
                                  audioError: AudioError(.io, subject: textURL.path, library: .posix,
                                                         libraryMessage: "\(error)"))
            }
            var arguments = ["-b", "1", "-v", request.voice]
            if let speed = request.speed { arguments += ["-s", String(speed)] }
            arguments += ["-w", readingURL.path, "-f", textURL.path]
            let output = try engine.run(arguments, in: work, timeout: timeout)
            state.withLock { $0.renders += 1 }
            guard output.status == 0 else {
                if output.stderr.contains("voice does not exist") {
                    throw SpeechError(.unknownVoice, subject: request.voice, detail: output.stderr)
                }
                throw SpeechError(.engineFailed, subject: engine.executable.path,
                                  detail: "exit \(output.status): \(output.stderr)")
            }
            // Composed straight into the cache folder, so the final rename stays on one file system.
            let composed = directory.appendingPathComponent(".render-\(UUID().uuidString).wav")
            defer { try? FileManager.default.removeItem(at: composed) }
            try audio(composed) { () throws(AudioError) in
                try posix(directory.path) { try Self.makeSharedDirectory(directory) }
                try Self.compose(reading: readingURL, into: composed, readings: request.repeatCount,
                                 pauseSeconds: request.pauseSeconds)
            }
            return try store(composed, keyFile: keyFile)
        }
    }

    /// The reading, then (pause, reading) for each repeat, as 16-bit PCM at the engine's own rate.
    private static func compose(reading: URL, into output: URL, readings: Int,
                                pauseSeconds: Double) throws(AudioError) {
        guard FileManager.default.fileExists(atPath: reading.path) else {
            throw AudioError(.emptyAudio, subject: reading.path, libraryMessage: "espeak-ng wrote no audio")
        }
        let file = try SoundFile(readingFrom: reading)
        var samples: [Int16] = []
        var buffer: [Float] = []
        while true {
            let got = try file.read(into: &buffer, frameCount: 65_536)
            if got == 0 { break }
            // The reader gives s / 32768 exactly for espeak-ng's 16-bit samples; scaling back keeps every reading
            // bit-identical to what the engine produced (a float write would rescale by 32767).
            samples.append(contentsOf: buffer[0..<(got * file.channels)].map {
                Int16(clamping: Int(($0 * 32_768).rounded()))
            })
        }
        guard !samples.isEmpty else { throw AudioError(.emptyAudio, subject: reading.path) }
        let writer = try SoundFileWriter(writingTo: output, encoding: .wav16, sampleRate: file.sampleRate,
                                         channels: file.channels)
        let pauseFrames = Int((pauseSeconds * Double(file.sampleRate)).rounded())
        let silence = [Int16](repeating: 0, count: pauseFrames * file.channels)
        for index in 0..<readings {
            if index > 0 { try silence.withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) } }
            try samples.withUnsafeBufferPointer { (p) throws(AudioError) in try writer.write(p) }
        }
        writer.close()
        // The writer's close cannot report; a short file (full disk) shows up as a wrong length instead.
        let expected = Int64(samples.count / file.channels * readings + pauseFrames * (readings - 1))
        let written = try AudioProbe.info(of: output).frames
        guard written == expected else {
            throw AudioError(.io, subject: output.path, library: .sndfile,
                             libraryMessage: "wrote \(written) of \(expected) frames")
        }
    }

    /// Moves the composed file to its content-addressed name, then records the key.
    private func store(_ composed: URL, keyFile: URL) throws(SpeechError) -> RenderedSpeech {
        try audio(directory) { () throws(AudioError) in
            let sha = try ContentHash.sha256(of: composed)
            let final = directory.appendingPathComponent("\(sha).wav")
            // rename(2) replaces atomically; a concurrent render of the same text wrote the same bytes.
            try Self.rename(composed, to: final)
            let keyTemp = directory.appendingPathComponent(".key-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: keyTemp) }
            try posix(keyTemp.path) { try Data("\(sha)\n".utf8).write(to: keyTemp) }
            try Self.rename(keyTemp, to: keyFile)
            return RenderedSpeech(url: final, sha256: sha, info: try AudioProbe.info(of: final), rendered: true)
        }
    }

    /// A cache entry counts only if the file still hashes to its name; anything else is re-rendered.
    private func cached(keyFile: URL) -> RenderedSpeech? {
        guard let recorded = try? String(contentsOf: keyFile, encoding: .utf8) else { return nil }
        let sha = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { return nil }
        let url = directory.appendingPathComponent("\(sha).wav")
        guard (try? ContentHash.sha256(of: url)) == sha, let info = try? AudioProbe.info(of: url) else { return nil }
        return RenderedSpeech(url: url, sha256: sha, info: info, rendered: false)
    }

    /// Creates the cache folder with its parent's permissions, so a group-writable `LOA_CACHE_DIR` shared by the
    /// daemon's user and operators gives a `speech` folder both can write (umask would otherwise drop group write).
    private static func makeSharedDirectory(_ url: URL) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: url.path) else { return }
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        if let mode = try? fm.attributesOfItem(atPath: url.deletingLastPathComponent().path)[.posixPermissions]
            as? NSNumber {
            chmod(url.path, mode_t(mode.intValue & 0o7777))
        }
    }

    private static func rename(_ from: URL, to: URL) throws(AudioError) {
        if Foundation.rename(from.path, to.path) != 0 {
            throw AudioError(.io, subject: to.path, library: .posix, code: errno,
                             libraryMessage: String(cString: strerror(errno)))
        }
    }

    private func withWorkDirectory<T>(_ body: (URL) throws(SpeechError) -> T) throws(SpeechError) -> T {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("loa-speech-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw SpeechError(.audio, subject: work.path,
                              audioError: AudioError(.io, subject: work.path, library: .posix,
                                                     libraryMessage: "\(error)"))
        }
        defer { try? FileManager.default.removeItem(at: work) }
        return try body(work)
    }

    private func audio<T>(_ subject: URL, _ body: () throws(AudioError) -> T) throws(SpeechError) -> T {
        do { return try body() } catch {
            throw SpeechError(.audio, subject: subject.path, audioError: error)
        }
    }

    private func posix(_ subject: String, _ body: () throws -> Void) throws(AudioError) {
        do { try body() } catch let error as AudioError { throw error } catch {
            throw AudioError(.io, subject: subject, library: .posix, libraryMessage: "\(error)")
        }
    }
}
