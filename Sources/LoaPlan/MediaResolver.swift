import Foundation
import LoaL10n

/// Measures an audio file's decoded length. LoaPlan decodes nothing itself; LoaCommands adapts LoaAudio's
/// cached probe to this.
public protocol MediaProbe: Sendable {
    /// Decoded length in seconds. Throw `MediaProbeError` to say why a file can't be used; any other error is
    /// reported as "not audio" with its description.
    func duration(of file: URL) throws -> Double
}

/// Why a probe could not measure a file.
public enum MediaProbeError: Error, Sendable, Hashable {
    case missing
    case unreadable(String)
    case notAudio(String)
    case empty
}

/// Renders a text bulletin to an audio file (text-to-speech). Implemented by the TTS issue; without one, text
/// messages are reported as not playable.
public protocol SpeechRenderer: Sendable {
    /// The rendered audio file (may live outside the plan folder, e.g. in a cache).
    func render(_ bulletin: TextBulletin, messageID: String) throws -> URL
}

extension Plan {
    /// Fills `MediaRef.duration` of every intro, outro and message (rendering text through `renderer`) and reports,
    /// with positions: missing, unreadable, non-audio, empty or outside-the-plan-folder files, text without a
    /// renderer, and messages longer than every slot they may use. Each distinct path is probed once.
    public func resolvingMedia(probe: any MediaProbe, renderer: (any SpeechRenderer)? = nil) -> PlanLoadResult {
        let sink = DiagnosticSink()
        var resolver = MediaPathResolver(base: baseDirectory, probe: probe, sink: sink)
        var plan = self
        for i in plan.stations.indices {
            if let ref = plan.stations[i].intro { plan.stations[i].intro?.duration = resolver.duration(of: ref) }
            if let ref = plan.stations[i].outro { plan.stations[i].outro?.duration = resolver.duration(of: ref) }
        }
        for i in plan.messages.indices {
            let m = plan.messages[i]
            switch m.content {
            case .audio:
                if let ref = m.media { plan.messages[i].media?.duration = resolver.duration(of: ref) }
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
                    let d = resolver.probeRendered(url, at: at, id: m.id)
                    plan.messages[i].media = MediaRef(path: url.path, duration: d, location: at)
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
                       at: station.intro?.location ?? station.outro?.location ?? station.location)
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

/// The canonical path with every link resolved, or nil when it doesn't exist.
func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

extension PlanLoadResult {
    /// Checks the audio of messages left out of the plan for other errors (outside the folder, missing, not audio…),
    /// skipping paths the plan's own media check already covered. `planFile` anchors the relative paths.
    public func checkingDroppedMedia(planFile: URL, probe: any MediaProbe) -> [Diagnostic] {
        let covered = Set((plan?.messages.compactMap(\.media) ?? []).map(\.path)
                          + (plan?.stations.flatMap { [$0.intro, $0.outro].compactMap { $0 } } ?? []).map(\.path))
        let sink = DiagnosticSink()
        var resolver = MediaPathResolver(base: planFile.deletingLastPathComponent(), probe: probe, sink: sink)
        for ref in mediaOfDroppedEntries where !covered.contains(ref.path) { _ = resolver.duration(of: ref) }
        return sink.items
    }
}

/// Checks and measures plan-relative audio paths, once per distinct path.
struct MediaPathResolver {
    let base: URL
    let realBase: String
    let probe: any MediaProbe
    let sink: DiagnosticSink
    var memo: [String: Double?] = [:]

    init(base: URL, probe: any MediaProbe, sink: DiagnosticSink) {
        self.base = base.standardizedFileURL
        self.realBase = realPath(base.standardizedFileURL.path) ?? base.standardizedFileURL.path
        self.probe = probe; self.sink = sink
    }

    mutating func duration(of ref: MediaRef) -> Double? {
        if let known = memo[ref.path] { return known }
        let d = measure(ref.path, at: ref.location)
        memo[ref.path] = d
        return d
    }

    mutating func probeRendered(_ url: URL, at: SourceLocation?, id: String) -> Double? {
        measureFile(url, shown: url.path, at: at)
    }

    private func measure(_ path: String, at: SourceLocation?) -> Double? {
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
        // Plain stat/realpath/access: FileManager's attribute calls cost far more, and a national plan has thousands
        // of references.
        var st = stat()
        guard stat(url.path, &st) == 0 else {
            sink.error("không có tệp âm thanh '\(path)' (tìm ở \(PlanLoader.displayName(url)))",
                       "audio file '\(path)' does not exist (looked for \(PlanLoader.displayName(url)))", at: at)
            return nil
        }
        let real = realPath(url.path) ?? url.path
        guard real.hasPrefix(realBase.hasSuffix("/") ? realBase : realBase + "/") else {
            sink.error("'\(path)' là liên kết trỏ ra ngoài thư mục kế hoạch (tới \(real))",
                       "'\(path)' is a link that leads outside the plan folder (to \(real))", at: at)
            return nil
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            sink.error("'\(path)' là thư mục, không phải tệp âm thanh", "'\(path)' is a folder, not an audio file",
                       at: at)
            return nil
        }
        return measureFile(url, shown: path, at: at, size: Int(st.st_size))
    }

    private func measureFile(_ url: URL, shown path: String, at: SourceLocation?, size: Int? = nil) -> Double? {
        guard access(url.path, R_OK) == 0 else {
            sink.error("không đọc được tệp âm thanh '\(path)' (không có quyền đọc)",
                       "audio file '\(path)' cannot be read (no read permission)", at: at)
            return nil
        }
        var size = size
        if size == nil {
            var st = stat()
            if stat(url.path, &st) == 0 { size = Int(st.st_size) }
        }
        if size == 0 {
            sink.error("tệp âm thanh '\(path)' rỗng (0 byte)", "audio file '\(path)' is empty (0 bytes)", at: at)
            return nil
        }
        do {
            let d = try probe.duration(of: url)
            guard d > 0 else {
                sink.error("tệp âm thanh '\(path)' không có âm thanh (dài 0 giây)",
                           "audio file '\(path)' holds no sound (0 seconds long)", at: at)
                return nil
            }
            return d
        } catch let e as MediaProbeError {
            switch e {
            case .missing:
                sink.error("không có tệp âm thanh '\(path)'", "audio file '\(path)' does not exist", at: at)
            case .unreadable(let why):
                sink.error("không đọc được tệp âm thanh '\(path)': \(why)", "audio file '\(path)' cannot be read: \(why)",
                           at: at)
            case .notAudio(let why):
                sink.error("'\(path)' không phải tệp âm thanh đọc được: \(why)",
                           "'\(path)' is not a readable audio file: \(why)", at: at)
            case .empty:
                sink.error("tệp âm thanh '\(path)' không có âm thanh (dài 0 giây)",
                           "audio file '\(path)' holds no sound (0 seconds long)", at: at)
            }
        } catch {
            sink.error("'\(path)' không phải tệp âm thanh đọc được: \(error)",
                       "'\(path)' is not a readable audio file: \(error)", at: at)
        }
        return nil
    }
}
