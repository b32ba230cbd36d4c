import Foundation
import HTTPTypes
import Hummingbird
import LoaAudio
import LoaCore
import LoaL10n
import NIOCore

/// Uploaded audio (bulletins, local announcements), streamed to disk as it arrives and kept as `SHA256.ext` in a
/// folder of the daemon's: named by content, never by a path the client gave. Refused, with a sentence naming the
/// limit, past `WebLimits` (bytes as soon as they arrive, seconds once decoded) or when it is not audio; a refused
/// upload leaves nothing behind.
enum Spool {
    enum Received { case stored(URL), refused(Response) }

    static func receive(_ request: Request, type: String, in folder: URL, limits: WebLimits) async -> Received {
        let limit = limits.audioBytes
        let tooLarge = WebReply.error(.contentTooLarge, vi: "Tệp âm thanh quá lớn (tối đa \(limit >> 20) MB)",
                                      en: "The audio file is too large (at most \(limit >> 20) MB)")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            await discard(request.body)
            return .refused(tooLarge)
        }
        let cannotKeep = WebReply.error(.internalServerError, vi: "Không lưu được tệp vào \(folder.path)",
                                        en: "Cannot keep the file in \(folder.path)")
        let fm = FileManager.default
        let incoming = folder.appendingPathComponent(".incoming-\(UUID().uuidString)")
        guard (try? fm.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
              fm.createFile(atPath: incoming.path, contents: nil, attributes: [.posixPermissions: 0o640]),
              let handle = try? FileHandle(forWritingTo: incoming) else { return .refused(cannotKeep) }
        var received = 0
        do {
            defer { try? handle.close() }
            for try await chunk in request.body {
                received += chunk.readableBytes
                if received > limit {
                    try? fm.removeItem(at: incoming)
                    await discard(request.body)
                    return .refused(tooLarge)
                }
                try handle.write(contentsOf: chunk.readableBytesView)
            }
            try handle.synchronize()
        } catch {
            try? fm.removeItem(at: incoming)
            return .refused(cannotKeep)
        }
        let info: AudioInfo
        do { info = try AudioProbe.info(of: incoming) } catch {
            try? fm.removeItem(at: incoming)
            return .refused(WebReply.error(.unsupportedMediaType,
                                           vi: "Tệp tải lên không phải âm thanh đọc được: \(error.localized.vi)",
                                           en: "The upload is not audio Loa can read: \(error.localized.en)"))
        }
        if let refusal = tooLong(info.duration, limits) {
            try? fm.removeItem(at: incoming)
            return .refused(refusal)
        }
        guard let sha = try? ContentHash.sha256(of: incoming) else {
            try? fm.removeItem(at: incoming)
            return .refused(cannotKeep)
        }
        let url = folder.appendingPathComponent("\(sha).\(fileExtension(type))")
        do {
            if fm.fileExists(atPath: url.path) { try fm.removeItem(at: incoming) } else { try fm.moveItem(at: incoming, to: url) }
        } catch {
            try? fm.removeItem(at: incoming)
            return .refused(cannotKeep)
        }
        return .stored(url)
    }

    /// Reads the rest of a refused body without keeping it (for at most 10 s): the answer goes out once the request
    /// has ended, so the sender is not left blocked on a connection nobody reads.
    static func discard(_ body: RequestBody) async {
        let until = ContinuousClock.now + .seconds(10)
        do { for try await _ in body where ContinuousClock.now > until { break } } catch {}
    }

    /// 413 for audio longer than the limit, in minutes and seconds.
    static func tooLong(_ seconds: Double, _ limits: WebLimits) -> Response? {
        guard seconds > limits.audioSeconds else { return nil }
        func words(_ s: Double) -> (vi: String, en: String) {
            let whole = Int(s.rounded(.up)), m = whole / 60, r = whole % 60
            return r == 0 ? ("\(m) phút", "\(m) min") : ("\(m) phút \(r) giây", "\(m) min \(r) s")
        }
        let long = words(seconds), most = words(limits.audioSeconds)
        return WebReply.error(.contentTooLarge, vi: "Bản tin dài \(long.vi), tối đa \(most.vi)",
                              en: "The bulletin lasts \(long.en), at most \(most.en)")
    }

    static func fileExtension(_ type: String) -> String {
        switch type {
        case let t where t.contains("flac"): "flac"
        case let t where t.contains("ogg"): "ogg"
        case let t where t.contains("mpeg") || t.contains("mp3"): "mp3"
        default: "wav"
        }
    }

    /// Removes from `folder` every bulletin the log does not name (`keep`: the `audio` of its emergency rows) and
    /// uploads a crash left half-written; returns how many went.
    @discardableResult
    static func sweep(_ folder: URL, keep: Set<String>) -> Int {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return 0 }
        var removed = 0
        for name in names {
            let url = folder.appendingPathComponent(name)
            guard !keep.contains(url.path), (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true
            else { continue }
            if (try? fm.removeItem(at: url)) != nil { removed += 1 }
        }
        return removed
    }
}
