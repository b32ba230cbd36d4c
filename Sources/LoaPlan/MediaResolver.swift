import LoaCore
import Foundation
import LoaL10n

/// The file-system questions the plan's media resolver asks, answered outside this pure module (LoaPlayout's
/// `CachedAudioProbe` answers them with the operating-system wrapper and LoaAudio's content cache).
public protocol MediaProbe: Sendable {
    /// What is at `path` (absolute), following links, without reading it; nil when nothing is there.
    func inspect(_ path: String) -> MediaFileStatus?
    /// Decoded length and SHA-256 of the file. Throw `MediaProbeError` to say why it can't be used; any other
    /// error is reported as "not audio" with its description.
    func measure(_ file: URL) throws -> MeasuredMedia
}

/// What the file system says about a media path.
public struct MediaFileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case regular, directory, other }
    public var kind: Kind
    public var size: Int
    /// The path with every link resolved.
    public var canonicalPath: String
    public var isReadable: Bool
    public init(kind: Kind, size: Int, canonicalPath: String, isReadable: Bool) {
        self.kind = kind; self.size = size; self.canonicalPath = canonicalPath; self.isReadable = isReadable
    }
}

/// A measured media file.
public struct MeasuredMedia: Sendable, Hashable {
    public var duration: Double
    public var sha256: String
    public init(duration: Double, sha256: String) { self.duration = duration; self.sha256 = sha256 }
}

/// Why a probe could not measure a file; `detail` is the library's own words.
public struct MediaProbeError: LoaError, Hashable {
    public enum Kind: String, Sendable, Hashable { case missing, unreadable, notAudio, empty }
    public var kind: Kind
    public var subject: String
    public var detail: String
    public init(_ kind: Kind, subject: String, detail: String = "") {
        self.kind = kind; self.subject = subject; self.detail = detail
    }
    public var localized: Localized {
        let why = detail.isEmpty ? "" : ": \(detail)"
        return switch kind {
        case .missing: Localized(vi: "không có tệp âm thanh '\(subject)'", en: "audio file '\(subject)' does not exist")
        case .unreadable: Localized(vi: "không đọc được tệp âm thanh '\(subject)'\(why)",
                                    en: "audio file '\(subject)' cannot be read\(why)")
        case .notAudio: Localized(vi: "'\(subject)' không phải tệp âm thanh đọc được\(why)",
                                  en: "'\(subject)' is not a readable audio file\(why)")
        case .empty: Localized(vi: "tệp âm thanh '\(subject)' không có âm thanh (dài 0 giây)",
                               en: "audio file '\(subject)' holds no sound (0 seconds long)")
        }
    }
}

/// Renders a text bulletin to an audio file (text-to-speech). Without one, text messages are reported as not
/// playable.
public protocol SpeechRenderer: Sendable {
    /// The rendered audio file (may live outside the plan folder, e.g. in a cache).
    func render(_ bulletin: TextBulletin, messageID: String) throws -> URL
}

extension Plan {
    /// Fills `Media.duration` of every intro, outro and message (rendering text through `renderer`) and reports,
    /// with positions: missing, unreadable, non-audio, empty or outside-the-plan-folder files, text without a
    /// renderer, and messages longer than every slot they may use. Each distinct path is probed once.
    public func resolvingMedia(probe: any MediaProbe, renderer: (any SpeechRenderer)? = nil) -> PlanLoadResult {
        let sink = DiagnosticSink()
        var resolver = MediaPathResolver(base: baseDirectory, probe: probe, sink: sink)
        var plan = self
        for i in plan.stations.indices {
            if let ref = plan.stations[i].intro { plan.stations[i].intro = resolver.resolve(ref) }
            if let ref = plan.stations[i].outro { plan.stations[i].outro = resolver.resolve(ref) }
            if let ref = plan.stations[i].fallback { plan.stations[i].fallback = resolver.resolve(ref) }
        }
        for i in plan.messages.indices {
            let m = plan.messages[i]
            switch m.content {
            case .audio:
                if let ref = m.media { plan.messages[i].media = resolver.resolve(ref) }
            case .text(let bulletin):
                let at = m.contentLocation ?? m.location
                guard let renderer else {
                    sink.error("tin '\(m.id)' là văn bản nhưng chưa có chuyển văn bản thành giọng nói (text-to-speech) "
                               + "trên máy này; hãy dùng 'audio:'",
                               "message '\(m.id)' is text but text-to-speech is unavailable here; use 'audio:'", at: at)
                    continue
                }
                do {
                    let url = try renderer.render(bulletin, messageID: m.id)
                    plan.messages[i].media = resolver.resolveRendered(url, at: at)
                } catch {
                    sink.error("không đọc được tin '\(m.id)' thành giọng nói: \(error)",
                               "could not render message '\(m.id)' to speech: \(error)", at: at)
                }
            }
        }
        plan.checkFit(sink)
        return PlanLoadResult(plan: plan, diagnostics: sink.items)
    }

    /// Seconds a message may fill in a slot of `station` once intro and outro are played.
    public func room(in slot: SlotSpec, at station: Station) -> Double {
        Double(slot.lengthSeconds) - (station.intro?.duration ?? 0) - (station.outro?.duration ?? 0)
    }

    private func checkFit(_ sink: DiagnosticSink) {
        for station in stations {
            let frame = (station.intro?.duration ?? 0) + (station.outro?.duration ?? 0)
            guard frame > 0, let shortest = station.slots.min(by: { $0.lengthSeconds < $1.lengthSeconds }),
                  frame >= Double(shortest.lengthSeconds) else { continue }
            sink.error("mở đầu và kết thúc của đài '\(station.id)' (\(seconds(frame))) chiếm hết khung giờ "
                       + "'\(shortest.name)' (\(describe(shortest.lengthSeconds)))",
                       "the intro and outro of station '\(station.id)' (\(seconds(frame))) fill its slot "
                       + "'\(shortest.name)' (\(describe(shortest.lengthSeconds)))",
                       at: station.intro?.writtenAt ?? station.outro?.writtenAt ?? station.location)
        }
        // The most room per slot name, for every kind of target, so each message is checked without a station scan.
        var roomAll: [String: Double] = [:], roomByGroup: [String: [String: Double]] = [:]
        var roomByStation: [String: [String: Double]] = [:]
        func keepMax(_ table: inout [String: Double], _ name: String, _ r: Double) { table[name] = max(table[name] ?? r, r) }
        for station in stations {
            for slot in station.slots {
                let r = room(in: slot, at: station)
                keepMax(&roomAll, slot.name, r)
                keepMax(&roomByStation[station.id, default: [:]], slot.name, r)
                for g in station.groups { keepMax(&roomByGroup[g, default: [:]], slot.name, r) }
            }
        }
        for m in messages {
            guard let d = m.media?.duration, d > 0 else { continue }
            var best: Double?
            for t in m.targets {
                let table: [String: Double]? = switch t {
                case .all: roomAll
                case .group(let g): roomByGroup[g]
                case .station(let id): roomByStation[id]
                }
                for (name, r) in table ?? [:] where m.slotNames?.contains(name) ?? true {
                    best = max(best ?? r, r)
                }
            }
            guard let best, d > best else { continue }
            sink.error("tin '\(m.id)' dài \(seconds(d)), dài hơn mọi khung giờ nó được dùng (nhiều nhất "
                       + "\(seconds(max(0, best))) sau phần mở đầu và kết thúc)",
                       "message '\(m.id)' lasts \(seconds(d)), longer than every slot it may use (at most "
                       + "\(seconds(max(0, best))) after intro and outro)", at: m.contentLocation ?? m.location)
        }
    }
}

/// `95.0s` below a minute, `2m05.3s` above.
func seconds(_ s: Double) -> String {
    guard s >= 60 else { return String(format: "%.1fs", s) }
    let minutes = Int(s / 60)
    return "\(minutes)m" + String(format: "%04.1fs", s - Double(minutes * 60))
}

extension PlanLoadResult {
    /// Checks the audio of messages left out of the plan for other errors (outside the folder, missing, not audio…),
    /// skipping paths the plan's own media check already covered. `planFile` anchors the relative paths.
    public func checkingDroppedMedia(planFile: URL, probe: any MediaProbe) -> [Diagnostic] {
        let covered = Set((plan?.messages.compactMap(\.media) ?? []).map(\.path)
                          + (plan?.stations.flatMap { [$0.intro, $0.outro, $0.fallback].compactMap { $0 } } ?? []).map(\.path))
        let sink = DiagnosticSink()
        var resolver = MediaPathResolver(base: planFile.deletingLastPathComponent(), probe: probe, sink: sink)
        for ref in mediaOfDroppedEntries where !covered.contains(ref.path) { _ = resolver.resolve(ref) }
        return sink.items
    }
}

/// Checks, locates and measures plan-relative audio paths, once per distinct path: the one place a media path is
/// joined to the plan's folder.
struct MediaPathResolver {
    let base: URL
    let realBase: String
    let probe: any MediaProbe
    let sink: DiagnosticSink
    var memo: [String: Media] = [:]

    init(base: URL, probe: any MediaProbe, sink: DiagnosticSink) {
        self.base = base.standardizedFileURL
        self.realBase = probe.inspect(base.standardizedFileURL.path)?.canonicalPath ?? base.standardizedFileURL.path
        self.probe = probe; self.sink = sink
    }

    /// The media with its location, length and hash; unchanged (unresolved) when it can't be used, with the
    /// reason reported.
    mutating func resolve(_ ref: Media) -> Media {
        if let known = memo[ref.path] { return Media(path: known.path, url: known.url, duration: known.duration,
                                                      sha256: known.sha256, writtenAt: ref.writtenAt) }
        var media = ref
        if let (url, measured) = locateAndMeasure(ref.path, at: ref.writtenAt) {
            media.url = url; media.duration = measured.duration; media.sha256 = measured.sha256
        }
        memo[ref.path] = media
        return media
    }

    /// A speech rendering: it lives in the speech cache, outside the plan folder, which differs from machine to
    /// machine; so it is named by its content, `speech/SHA256.EXT` (the same on every machine that renders the same
    /// audio), and only `url` says where this machine keeps it.
    mutating func resolveRendered(_ url: URL, at: SourceLocation?) -> Media {
        var media = Media(path: url.path, writtenAt: at)
        if let status = probe.inspect(url.path), let measured = measure(url, shown: url.path, status: status, at: at) {
            media.url = url; media.duration = measured.duration; media.sha256 = measured.sha256
            media.path = Media.speechPath(sha256: measured.sha256, extension: url.pathExtension)
        }
        return media
    }

    private func locateAndMeasure(_ path: String, at: SourceLocation?) -> (URL, MeasuredMedia)? {
        let folder = PlanLoader.displayName(base)
        if path.hasPrefix("/") || path.hasPrefix("~") {
            sink.error("'\(path)' là đường dẫn tuyệt đối; âm thanh phải nằm trong thư mục kế hoạch (\(folder)), "
                       + "viết đường dẫn tương đối",
                       "'\(path)' is an absolute path; audio must be inside the plan folder (\(folder)), "
                       + "written relative to it", at: at)
            return nil
        }
        var depth = 0
        for part in path.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 {
                sink.error("'\(path)' ra ngoài thư mục kế hoạch (\(folder)) qua '..'",
                           "'\(path)' leads outside the plan folder (\(folder)) through '..'", at: at)
                return nil
            }
        }
        let url = base.appendingPathComponent(path).standardizedFileURL
        guard let status = probe.inspect(url.path) else {
            sink.error("không có tệp âm thanh '\(path)' (tìm ở \(PlanLoader.displayName(url)))",
                       "audio file '\(path)' does not exist (looked for \(PlanLoader.displayName(url)))", at: at)
            return nil
        }
        let real = status.canonicalPath
        guard real.hasPrefix(realBase.hasSuffix("/") ? realBase : realBase + "/") else {
            sink.error("'\(path)' là liên kết trỏ ra ngoài thư mục kế hoạch (tới \(real))",
                       "'\(path)' is a link that leads outside the plan folder (to \(real))", at: at)
            return nil
        }
        return measure(url, shown: path, status: status, at: at).map { (url, $0) }
    }

    private func measure(_ url: URL, shown path: String, status: MediaFileStatus, at: SourceLocation?)
        -> MeasuredMedia? {
        switch status.kind {
        case .directory:
            sink.error("'\(path)' là thư mục, không phải tệp âm thanh", "'\(path)' is a folder, not an audio file",
                       at: at)
            return nil
        case .other:
            // A FIFO or a device (/dev/zero) would block or never end: only regular files are audio.
            sink.error("'\(path)' không phải tệp thường (FIFO hay thiết bị), không dùng làm âm thanh được",
                       "'\(path)' is not a regular file (a FIFO or a device) and cannot be audio", at: at)
            return nil
        case .regular:
            break
        }
        guard status.isReadable else {
            sink.error("không đọc được tệp âm thanh '\(path)' (không có quyền đọc)",
                       "audio file '\(path)' cannot be read (no read permission)", at: at)
            return nil
        }
        if status.size == 0 {
            sink.error("tệp âm thanh '\(path)' rỗng (0 byte)", "audio file '\(path)' is empty (0 bytes)", at: at)
            return nil
        }
        do {
            let measured = try probe.measure(url)
            guard measured.duration > 0 else {
                sink.error("tệp âm thanh '\(path)' không có âm thanh (dài 0 giây)",
                           "audio file '\(path)' holds no sound (0 seconds long)", at: at)
                return nil
            }
            return measured
        } catch var e as MediaProbeError {
            e.subject = path
            sink.append(Diagnostic(.error, e.localized, at: at))
        } catch {
            sink.error("'\(path)' không phải tệp âm thanh đọc được: \(error)",
                       "'\(path)' is not a readable audio file: \(error)", at: at)
        }
        return nil
    }
}
