import Foundation
import HTTPTypes
import Hummingbird
import LoaCore
import LoaL10n
import LoaPlan
import LoaPlayout
import LoaSchedule
import NIOCore

/// Local announcements and slot times (SPEC §7), kept in `local.yaml`: each change is checked, written, and the
/// plan reloaded (it applies from the next item not yet begun); a change the daemon refuses is rolled back.
struct LocalRoutes: Sendable {
    let daemon: StationDaemon
    let file: URL
    let limits: WebLimits
    let edits: Locked<Int>
    var station: String { daemon.configuration.station }

    func register(on router: Router<StationContext>) {
        router.get("/api/v1/announcements") { _, _ in
            let local = try LocalAdditions.read(file, station: station)
            return WebReply.json(AnnouncementList(announcements: local.messages, shortfalls: shortfalls(local.messages.map(\.id))))
        }
        router.post("/api/v1/announcements") { request, _ in try await add(request) }
        router.delete("/api/v1/announcements/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            return await change { local in
                guard local.messages.contains(where: { $0.id == id }) else {
                    return .refuse(.notFound, Localized(vi: "Không có thông báo \(id)", en: "No announcement \(id)"))
                }
                local.messages.removeAll { $0.id == id }
                return .ok
            } answer: { _ in WebReply.json(["removed": id]) }
        }
        router.get("/api/v1/slots") { _, _ in
            let slots = currentSlots()
            var r = WebReply.json(SlotList(version: Self.version(slots), slots: slots))
            r.headers[.eTag] = "\"\(Self.version(slots))\""
            return r
        }
        router.put("/api/v1/slots") { request, _ in try await putSlots(request) }
    }

    struct AnnouncementList: Encodable { var announcements: [LocalAdditions.Announcement]; var shortfalls: [ShortfallRow] }
    struct SlotList: Codable { var version: String; var slots: [LocalAdditions.Slot] }
    struct ShortfallRow: Encodable {
        var message: String; var period: String; var from: String; var to: String; var required: Int; var scheduled: Int
        var reason: String; var reason_vi: String
    }
    struct NewAnnouncement: Decodable {
        var title: String; var text: String?; var voice: String?; var audio: String?
        var from: String; var to: String; var count: Int; var per: String; var slots: [String]?
    }

    /// The station's slots as they air now (the plan's, or local.yaml's over them).
    func currentSlots() -> [LocalAdditions.Slot] {
        (daemon.plan.station(station)?.slots ?? []).map { s in
            LocalAdditions.Slot(name: s.name, days: s.days.days.map(\.name), start: s.start.description,
                                length: "\(s.lengthSeconds)s")
        }
    }

    /// A short stable hash of the slot list: the ETag two operators' edits are checked against.
    static func version(_ slots: [LocalAdditions.Slot]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in slots.map({ "\($0.name)|\($0.days)|\($0.start)|\($0.length)" }).joined(separator: ";").utf8 {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return String(h, radix: 36)
    }

    func putSlots(_ request: Request) async throws -> Response {
        guard let body = try? await request.body.collect(upTo: 64 << 10),
              let wanted = try? JSONDecoder().decode(SlotList.self, from: Data(body.readableBytesView)) else {
            return WebReply.error(.badRequest, vi: "Gửi {version, slots: [{name, days, start, length}]}",
                                  en: "Send {version, slots: [{name, days, start, length}]}")
        }
        let claimed = request.headers[.ifMatch]?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? wanted.version
        return await change { local in
            // Two operators editing at once: the second's version no longer matches and is told so.
            guard claimed == Self.version(currentSlots()) else {
                return .refuse(.preconditionFailed, Localized(
                    vi: "Giờ phát vừa được người khác thay đổi; hãy tải lại và sửa lại",
                    en: "The slot times were just changed by someone else; reload and edit again"))
            }
            local.slots = wanted.slots
            return .ok
        } answer: { _ in
            let slots = currentSlots()
            var r = WebReply.json(SlotList(version: Self.version(slots), slots: slots))
            r.headers[.eTag] = "\"\(Self.version(slots))\""
            return r
        }
    }

    func add(_ request: Request) async throws -> Response {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        var spec: NewAnnouncement
        if type.hasPrefix("audio/") {
            let q = request.uri.queryParameters
            func p(_ k: String) -> String? { q[Substring(k)].map(String.init) }
            spec = NewAnnouncement(title: p("title") ?? "", from: p("from") ?? "", to: p("to") ?? "",
                                   count: Int(p("count") ?? "") ?? 1, per: p("per") ?? "day")
            let folder = file.deletingLastPathComponent().appendingPathComponent("local-audio")
            let stored: URL
            switch await Spool.receive(request, type: type, in: folder, limits: limits) {
            case .stored(let url): stored = url
            case .refused(let response): return response
            }
            spec.audio = "local-audio/" + stored.lastPathComponent
        } else {
            guard let body = try? await request.body.collect(upTo: limits.textCharacters * 4 + 4096),
                  let decoded = try? JSONDecoder().decode(NewAnnouncement.self, from: Data(body.readableBytesView)) else {
                return WebReply.error(.badRequest, vi: "Gửi {title, text, voice, from, to, count, per}",
                                      en: "Send {title, text, voice, from, to, count, per}")
            }
            spec = decoded
            if let text = spec.text, text.count > limits.textCharacters {
                return WebReply.error(.contentTooLarge, vi: "Văn bản quá dài: tối đa \(limits.textCharacters) ký tự",
                                      en: "The text is too long: at most \(limits.textCharacters) characters")
            }
        }
        let title = spec.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else {
            return WebReply.error(.badRequest, vi: "Cần tiêu đề (tối đa 200 ký tự)", en: "A title is needed (at most 200 characters)")
        }
        let id = "local-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let announcement = LocalAdditions.Announcement(
            id: id, title: title, audio: spec.audio, text: spec.text, voice: spec.voice, from: spec.from, to: spec.to,
            airings: .init(count: spec.count, per: spec.per), slots: spec.slots, targets: [station])
        return await change { local in
            local.messages.append(announcement)
            return .ok
        } answer: { _ in
            // Accepted even when it cannot all fit: the shortfall says how much and why, as `loa schedule` does.
            struct Added: Encodable { var announcement: LocalAdditions.Announcement; var shortfalls: [ShortfallRow] }
            return WebReply.json(Added(announcement: announcement, shortfalls: shortfalls([id])), status: .created)
        }
    }

    func shortfalls(_ ids: [String]) -> [ShortfallRow] {
        let wanted = Set(ids)
        guard !wanted.isEmpty else { return [] }
        return Scheduler.schedule(daemon.plan, stations: [station]).shortfalls.filter { wanted.contains($0.message) }.map {
            ShortfallRow(message: $0.message, period: $0.period, from: $0.from.description, to: $0.to.description,
                         required: $0.required, scheduled: $0.scheduled, reason: $0.reason, reason_vi: $0.reasonVi)
        }
    }

    enum Verdict { case ok, refuse(HTTPResponse.Status, Localized) }

    /// Reads `local.yaml`, applies `edit`, checks, writes, reloads the plan; rolls back when the daemon refuses.
    func change(_ edit: @escaping @Sendable (inout LocalAdditions) -> Verdict,
                answer: @escaping @Sendable (LocalAdditions) -> Response) async -> Response {
        let file = self.file, station = self.station, daemon = self.daemon, edits = self.edits
        return await withCheckedContinuation { c in
            DispatchQueue.global().async {
                c.resume(returning: edits.withLock { _ -> Response in
                    let before = (try? Data(contentsOf: file))
                    var local: LocalAdditions
                    do throws(LocalAdditionsError) { local = try LocalAdditions.read(file, station: station) } catch {
                        return WebReply.error(.internalServerError, vi: error.localized.vi, en: error.localized.en)
                    }
                    if case .refuse(let status, let why) = edit(&local) {
                        return WebReply.error(status, vi: why.vi, en: why.en)
                    }
                    let problems = local.validated(file: file.lastPathComponent).problems
                    if !problems.isEmpty {
                        return WebReply.error(.unprocessableContent, vi: problems.map(\.vi).joined(separator: "; "),
                                              en: problems.map(\.en).joined(separator: "; "))
                    }
                    do { try Data(local.yaml().utf8).write(to: file, options: .atomic) } catch {
                        return WebReply.error(.internalServerError, vi: "Không ghi được \(file.path)", en: "Cannot write \(file.path)")
                    }
                    guard daemon.reload() else {
                        if let before { try? before.write(to: file, options: .atomic) } else { try? FileManager.default.removeItem(at: file) }
                        return WebReply.error(.unprocessableContent,
                                              vi: "Trình phát không nhận thay đổi (xem nhật ký hệ thống); đã hoàn lại",
                                              en: "The daemon refused the change (see the journal); rolled back")
                    }
                    return answer(local)
                })
            }
        }
    }
}
