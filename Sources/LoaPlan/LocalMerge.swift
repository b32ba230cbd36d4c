import Foundation
import LoaCore
import LoaL10n

extension LocalAdditions {
    /// Checks the additions and turns them into the plan's values: every problem, in words naming the slot or
    /// announcement (the caller names the file).
    public func validated(file: String) -> (slots: [SlotSpec]?, messages: [Message], problems: [Localized]) {
        var problems: [Localized] = []
        var specs: [SlotSpec]?
        if let slots {
            var out: [SlotSpec] = []
            for s in slots {
                guard let start = TimeOfDay(s.start) else {
                    problems.append(Localized(vi: "khung \(s.name): giờ bắt đầu '\(s.start)' không phải HH:MM",
                                              en: "slot \(s.name): start '\(s.start)' is not HH:MM")); continue
                }
                guard let length = Self.seconds(s.length), length > 0 else {
                    problems.append(Localized(vi: "khung \(s.name): độ dài '\(s.length)' sai (vd. 15m, 900s)",
                                              en: "slot \(s.name): length '\(s.length)' is wrong (e.g. 15m, 900s)")); continue
                }
                let days = s.days.compactMap(Weekday.init(name:))
                guard days.count == s.days.count, !days.isEmpty else {
                    problems.append(Localized(vi: "khung \(s.name): ngày phải là mon…sun hoặc t2…cn",
                                              en: "slot \(s.name): days must be mon…sun or t2…cn")); continue
                }
                let spec = SlotSpec(name: s.name, days: WeekdaySet(days), start: start, lengthSeconds: length)
                if spec.endMinutes > 24 * 60 {
                    problems.append(Localized(vi: "khung \(s.name) (\(s.start), \(s.length)) kéo dài qua nửa đêm",
                                              en: "slot \(s.name) (\(s.start), \(s.length)) runs past midnight"))
                }
                for other in out where other.days.rawValue & spec.days.rawValue != 0
                    && Double(other.start.minutes) < spec.endMinutes && Double(spec.start.minutes) < other.endMinutes {
                    problems.append(Localized(vi: "khung \(s.name) (\(s.start)) trùng giờ với khung \(other.name) (\(other.start))",
                                              en: "slot \(s.name) (\(s.start)) overlaps slot \(other.name) (\(other.start))"))
                }
                if out.contains(where: { $0.name == s.name }) {
                    problems.append(Localized(vi: "hai khung cùng tên \(s.name)", en: "two slots named \(s.name)"))
                }
                out.append(spec)
            }
            specs = out
        }
        var messages: [Message] = []
        for a in self.messages {
            let where_ = a.id
            guard Self.isSafeID(a.id) else {
                problems.append(Localized(vi: "mã '\(a.id)' chỉ được gồm a-z, 0-9, -", en: "id '\(a.id)' may hold only a-z, 0-9, -"))
                continue
            }
            guard let from = CivilDate(a.from), let to = CivilDate(a.to), from <= to else {
                problems.append(Localized(vi: "\(where_): from/to phải là ngày YYYY-MM-DD, from không sau to",
                                          en: "\(where_): from/to must be YYYY-MM-DD dates, from not after to")); continue
            }
            guard (1...24).contains(a.airings.count), let per = QuotaPeriod(rawValue: a.airings.per),
                  per == .day || per == .week else {
                problems.append(Localized(vi: "\(where_): số lần phát 1–24 mỗi day hoặc week",
                                          en: "\(where_): airings 1–24 per day or week")); continue
            }
            let content: MessageContent
            switch (a.audio, a.text) {
            case (let audio?, nil):
                guard Self.staysInside(audio) else {
                    problems.append(Localized(vi: "\(where_): đường dẫn '\(audio)' ra ngoài thư mục trạng thái",
                                              en: "\(where_): path '\(audio)' leaves the state folder")); continue
                }
                content = .audio(audio)
            case (nil, let text?) where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
                content = .text(TextBulletin(text: text, voice: a.voice ?? "vi"))
            default:
                problems.append(Localized(vi: "\(where_): cần đúng một trong audio hoặc text (không rỗng)",
                                          en: "\(where_): give exactly one of audio or text (not empty)")); continue
            }
            var m = Message(id: a.id, title: a.title, content: content, window: DateRange(from: from, to: to),
                            quota: Quota(count: a.airings.count, per: per), targets: [.station(station)],
                            slotNames: a.slots, maxPerDay: per == .day ? a.airings.count : 1)
            if case .audio(let path) = content { m.media = Media(path: path) }
            m.isLocal = true
            messages.append(m)
        }
        return (specs, messages, problems)
    }

    /// `a-z`, `0-9`, `-`, as plan ids.
    public static func isSafeID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A relative path with no `..`, no absolute start, no backslash.
    public static func staysInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("\\")
            && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// `900s`, `15m`, `1h`, or plain seconds.
    public static func seconds(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(t) { return n }
        guard let unit = t.last, let n = Int(t.dropLast()) else { return nil }
        switch unit { case "s": return n; case "m": return n * 60; case "h": return n * 3600; default: return nil }
    }
}

extension Plan {
    /// The plan with `local` laid over it: the station's slots replaced when the operator changed them, the local
    /// announcements added (their audio resolved against `folder`, their text rendered). Problems are errors naming
    /// `local.yaml` (the caller prefixes the file); with any, the plan is returned unchanged beside them.
    public func applying(_ local: LocalAdditions, folder: URL, file: String, probe: any MediaProbe,
                         renderer: (any SpeechRenderer)?) -> (plan: Plan, problems: [Localized]) {
        let (slots, messages, problems) = local.validated(file: file)
        guard problems.isEmpty else { return (self, problems) }
        if let slots, let station = station(local.station) {
            let conflicts = station.relayConflicts(withLocalSlots: slots)
            if !conflicts.isEmpty { return (self, conflicts) }
        }
        var plan = self
        if let slots, let i = plan.stations.firstIndex(where: { $0.id == local.station }) { plan.stations[i].slots = slots }
        let sink = DiagnosticSink()
        var resolver = MediaPathResolver(base: folder, probe: probe, sink: sink)
        var extra: [Localized] = []
        for var m in messages {
            if plan.messages.contains(where: { $0.id == m.id }) {
                extra.append(Localized(vi: "mã \(m.id) đã có trong kế hoạch", en: "id \(m.id) is already in the plan"))
                continue
            }
            switch m.content {
            case .audio: if let ref = m.media { m.media = resolver.resolve(ref) }
            case .text(let bulletin):
                guard let renderer, let url = try? renderer.render(bulletin, messageID: m.id) else {
                    extra.append(Localized(vi: "không đọc được \(m.id) thành giọng nói",
                                           en: "cannot render \(m.id) to speech"))
                    continue
                }
                m.media = resolver.resolveRendered(url, at: nil)
            }
            plan.messages.append(m)
        }
        extra += sink.items.filter { $0.severity == .error }.map(\.message)
        return extra.isEmpty ? (plan, []) : (self, extra)
    }
}
