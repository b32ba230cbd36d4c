import Foundation
import HTTPTypes
import Hummingbird
import LoaAudio
import LoaCore
import LoaL10n
import LoaPlan
import LoaPlayout
import NIOCore

/// The JSON API of SPEC §7 over a running daemon.
struct StationAPI: Sendable {
    let daemon: StationDaemon
    let options: StationWebServer.Options

    func register(on router: Router<StationContext>) {
        router.get("/api/v1/status") { _, _ in WebReply.json(daemon.status()) }
        router.get("/api/v1/programme") { request, _ in
            let asked = request.uri.queryParameters["date"].map { String($0) }
            guard let date = asked.map({ CivilDate($0) }) ?? daemon.today() else {
                return WebReply.error(.badRequest, vi: "date phải có dạng YYYY-MM-DD", en: "date must be YYYY-MM-DD")
            }
            return WebReply.json(Programme(date: date.description, slots: try daemon.programme(on: date)))
        }
        router.get("/api/v1/log") { request, _ in
            let after = request.uri.queryParameters["after"].flatMap { Int64(String($0)) } ?? 0
            let limit = min(1_000, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 100))
            return WebReply.json(try daemon.log(after: after, limit: limit).map(EventRow.init))
        }
        router.get("/api/v1/events") { _, _ in events() }
        router.post("/api/v1/emergency") { request, context in try await emergency(request, context) }
        router.delete("/api/v1/emergency") { _, _ in
            guard daemon.engine.stopEmergency() else {
                return WebReply.error(.notFound, vi: "Không có bản tin khẩn cấp nào đang phát",
                                      en: "No emergency bulletin is on air")
            }
            return WebReply.json(["stopped": true])
        }
    }

    struct Programme: Encodable { var date: String; var slots: [ProgrammeSlot] }

    /// Server-Sent Events: `event: airing` for each logged row, `event: status` after it and every 5 s. The feed's
    /// listener runs on the thread that logged the row (inside the engine's log lock), so it only hands the row
    /// over; the status is taken here, on the server's side.
    func events() -> Response {
        enum Item: Sendable { case row(AiringEvent), tick }
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(256))
        let id = daemon.feed.subscribe { e in continuation.yield(.row(e)) }
        let ticker = Task {
            while !Task.isCancelled {
                continuation.yield(.tick)
                try? await Task.sleep(for: .seconds(5))
            }
        }
        let feed = daemon.feed, daemon = self.daemon
        continuation.onTermination = { _ in feed.unsubscribe(id); ticker.cancel() }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                        body: .init { writer in
                            for await item in stream {
                                var chunk = ""
                                if case .row(let e) = item { chunk = "event: airing\ndata: \(Self.encode(EventRow(e)))\n\n" }
                                chunk += "event: status\ndata: \(Self.encode(daemon.status()))\n\n"
                                try await writer.write(ByteBuffer(string: chunk))
                            }
                            try await writer.finish(nil)
                        })
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    struct SpeechBody: Decodable {
        var text: String?
        var voice: String?
        var `repeat`: Int?
        var speed: Int?
        var replace: Bool?
        var queue: Bool?
        var title: String?
    }

    /// `POST /api/v1/emergency`: the audio itself (`Content-Type: audio/…`) or JSON `{text, voice, repeat, speed}`.
    func emergency(_ request: Request, _ context: StationContext) async throws -> Response {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        var replace = request.uri.queryParameters["replace"].map { $0 == "1" || $0 == "true" } ?? false
        var queue = request.uri.queryParameters["queue"].map { $0 == "1" || $0 == "true" } ?? false
        var title = request.headers[.loaTitle].flatMap { $0.removingPercentEncoding }
        let audio: URL
        let engine = daemon.engine
        // Refused before the audio is kept or rendered: nothing is stored for a request that cannot air.
        func conflict() -> Response? {
            guard engine.emergencyOnAir && !replace && !queue else { return nil }
            return WebReply.error(.conflict,
                                  vi: "Đang phát một bản tin khẩn cấp; gửi lại với replace để thay, hoặc queue để phát sau nó",
                                  en: "An emergency bulletin is on air; send again with replace to replace it, or queue to air after it")
        }
        if type.hasPrefix("audio/") || type == "application/octet-stream" {
            if let refusal = conflict() { return refusal }
            switch await Spool.receive(request, type: type, in: options.spool, limits: options.limits) {
            case .stored(let url): audio = url
            case .refused(let response): return response
            }
        } else if type.hasPrefix("application/json") {
            guard let body = try? await request.body.collect(upTo: options.limits.textCharacters * 4 + 1024),
                  let speech = try? JSONDecoder().decode(SpeechBody.self, from: Data(body.readableBytesView)) else {
                return WebReply.error(.contentTooLarge, vi: "Yêu cầu JSON quá lớn hoặc sai dạng {text, voice, repeat, speed}",
                                      en: "The JSON request is too large or not {text, voice, repeat, speed}")
            }
            replace = replace || speech.replace == true
            queue = queue || speech.queue == true
            if let refusal = conflict() { return refusal }
            let text = (speech.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                return WebReply.error(.badRequest, vi: "Văn bản để đọc đang trống", en: "The text to read is empty")
            }
            if text.count > options.limits.textCharacters {
                return WebReply.error(.contentTooLarge,
                                      vi: "Văn bản quá dài: \(text.count) ký tự, tối đa \(options.limits.textCharacters)",
                                      en: "The text is too long: \(text.count) characters, at most \(options.limits.textCharacters)")
            }
            let voice = speech.voice ?? "vi"
            guard ["vi", "vi-vn-x-central", "vi-vn-x-south"].contains(voice) else {
                return WebReply.error(.badRequest, vi: "Giọng \(voice) không có; chọn vi, vi-vn-x-central hoặc vi-vn-x-south",
                                      en: "No voice \(voice); pick vi, vi-vn-x-central or vi-vn-x-south")
            }
            guard let renderer = defaultSpeechRenderer() else {
                return WebReply.error(.serviceUnavailable, vi: "Không có chuyển văn bản thành giọng nói",
                                      en: "Text-to-speech is not available")
            }
            let bulletin = TextBulletin(text: text, voice: voice, speed: speech.speed.map { min(450, max(80, $0)) },
                                        repeatCount: min(10, max(1, speech.repeat ?? 1)))
            // espeak-ng runs as a process for up to seconds: off the server's threads.
            let rendered = await withCheckedContinuation { (c: CheckedContinuation<Result<URL, any Error>, Never>) in
                DispatchQueue.global().async { c.resume(returning: Result { try renderer.render(bulletin, messageID: "emergency") }) }
            }
            switch rendered {
            case .success(let url):
                if let refusal = Spool.tooLong((try? AudioProbe.info(of: url))?.duration ?? 0, options.limits) {
                    return refusal
                }
                audio = url
            case .failure(let error):
                return WebReply.error(.internalServerError, vi: "Không đọc được văn bản thành tiếng: \(error)",
                                      en: "Text-to-speech failed: \(error)")
            }
            title = title ?? speech.title ?? String(text.prefix(120))
        } else {
            return WebReply.error(.unsupportedMediaType, vi: "Gửi tệp âm thanh (Content-Type: audio/…) hoặc JSON",
                                  en: "Send the audio (Content-Type: audio/…) or JSON")
        }
        let bulletin = EmergencyRequest(audio: audio, title: title)
        // Answered at once: the `started` row when it airs now, else "queued, N ahead" (202).
        let answer = EmergencyAnswer()
        let ticket = replace ? engine.replaceEmergency(bulletin) { answer.deliver($0) }
                             : engine.emergency(bulletin) { answer.deliver($0) }
        if ticket.ahead > 0 {
            return WebReply.json(EmergencyReply(ok: true, airing: ticket.airing, queued: true, ahead: ticket.ahead),
                                 status: .accepted)
        }
        let reply = await answer.value()
        return WebReply.json(reply, status: reply.ok ? .ok : .internalServerError)
    }
}

/// The engine's reply to one emergency request, handed from its thread to the request's task.
final class EmergencyAnswer: @unchecked Sendable {
    private let state = Locked<(reply: EmergencyReply?, waiter: CheckedContinuation<EmergencyReply, Never>?)>((nil, nil))

    func deliver(_ reply: EmergencyReply) {
        let waiter = state.withLock { s -> CheckedContinuation<EmergencyReply, Never>? in
            guard s.reply == nil else { return nil }
            s.reply = reply
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: reply)
    }

    func value() async -> EmergencyReply {
        await withCheckedContinuation { c in
            let ready = state.withLock { s -> EmergencyReply? in
                if s.reply == nil { s.waiter = c }
                return s.reply
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}

/// A log row as SPEC §3 names its columns.
struct EventRow: Encodable {
    let e: AiringEvent
    init(_ e: AiringEvent) { self.e = e }
    enum K: String, CodingKey {
        case seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256, planned_s, played_s
        case detail, prev_hash, hash
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        try c.encode(e.seq, forKey: .seq); try c.encode(e.at, forKey: .at); try c.encode(e.kind.rawValue, forKey: .kind)
        try c.encode(e.airing, forKey: .airing); try c.encode(e.station, forKey: .station)
        try c.encode(e.plan, forKey: .plan); try c.encode(e.message, forKey: .message)
        try c.encode(e.slotStart, forKey: .slot_start); try c.encode(e.source.rawValue, forKey: .source)
        try c.encode(e.audio, forKey: .audio); try c.encode(e.audioSHA256, forKey: .audio_sha256)
        try c.encode(e.plannedSeconds, forKey: .planned_s); try c.encode(e.playedSeconds, forKey: .played_s)
        try c.encode(e.detail, forKey: .detail); try c.encode(e.prevHash, forKey: .prev_hash)
        try c.encode(e.hash, forKey: .hash)
    }
}
