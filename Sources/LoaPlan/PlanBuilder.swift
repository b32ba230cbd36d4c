import LoaCore
import Foundation
import LoaL10n

/// Turns the collected YAML sections into a `Plan`, reporting every problem with its position.
struct PlanBuilder {
    let sink: DiagnosticSink
    let sections: Sections
    let file: URL
    var r: YReader { YReader(sink: sink) }

    static let planKeys = ["id", "title", "timezone", "period", "reports", "report"]
    static let topicKeys = ["id", "title"]
    static let slotKeys = ["name", "days", "start", "length"]
    static let stationKeys = ["id", "name", "groups", "slots", "relays", "output", "intro", "outro", "fallback",
                              "closed",
                              "population", "households"]
    static let messageKeys = ["id", "title", "topic", "audio", "text", "voice", "speed", "repeat", "pause",
                              "priority", "from", "to", "airings", "targets", "slots", "max_per_day"]
    static let voices = ["vi", "vi-vn-x-central", "vi-vn-x-south"]

    struct Header {
        var id = "", title = "", timezone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        var period: DateRange?
        var reports: [CivilDate] = []
        var issuer: ReportIssuer?
    }

    func build() -> Plan? {
        let header = readHeader()
        let topics = readTopics()
        let templates = readTemplates()
        let stations = readStations(templates: templates)
        let messages = readMessages(stations: stations, topics: topics, period: header?.period)
        if stations.isEmpty && sections.stations.isEmpty && !sections.unreadable {
            sink.error("kế hoạch không có đài nào ('stations:')", "the plan has no stations ('stations:')",
                       at: SourceLocation(file: PlanLoader.displayName(file), line: 1, column: 1))
        }
        guard let header, let period = header.period else { return nil }
        var plan = Plan(id: header.id, title: header.title, timezone: header.timezone, period: period,
                        reports: header.reports, topics: topics, stations: stations, messages: messages, file: file)
        plan.issuer = header.issuer
        return plan
    }

    // MARK: plan header

    func readHeader() -> Header? {
        guard let node = sections.planHeader else {
            if sections.unreadable { return nil }
            sink.error("thiếu phần 'plan:' (id, title, period)", "missing the 'plan:' section (id, title, period)",
                       at: SourceLocation(file: PlanLoader.displayName(file), line: 1, column: 1))
            return nil
        }
        guard let entries = r.mapping(node, "'plan'", "'plan'") else { return nil }
        let k = r.keyed(entries, in: node, allowed: Self.planKeys, required: ["id", "title", "period"],
                        where: "'plan'", "'plan'")
        var h = Header()
        if let e = k["id"], let id = r.string(e.value, "plan id", "id của kế hoạch") {
            if !isValidID(id) {
                sink.error("id '\(id)' chỉ được gồm chữ thường a-z, số và dấu '-'",
                           "id '\(id)' may only contain lowercase a-z, digits and '-'", at: e.value.location)
            }
            h.id = id
        }
        if let e = k["title"], let t = r.string(e.value, "plan title", "tiêu đề kế hoạch") { h.title = t }
        if let e = k["timezone"], !e.value.isNull, let name = r.string(e.value, "timezone", "múi giờ") {
            if let tz = TimeZone(identifier: name) { h.timezone = tz } else {
                let known = TimeZone.knownTimeZoneIdentifiers
                let hint = nearest(name, in: known).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") }
                    ?? ("", "")
                sink.error("múi giờ không hợp lệ '\(name)'\(hint.0)", "invalid timezone '\(name)'\(hint.1)",
                           at: e.value.location)
            }
        }
        if let e = k["period"], !e.value.isNull, let pe = r.mapping(e.value, "'period'", "'period'") {
            let pk = r.keyed(pe, in: e.value, allowed: ["from", "to"], required: ["from", "to"],
                             where: "'period'", "'period'")
            let from = pk["from"].flatMap { r.date($0.value, "'from'", "'from'") }
            let to = pk["to"].flatMap { r.date($0.value, "'to'", "'to'") }
            if let from, let to {
                if from > to {
                    sink.error("'from' (\(from)) sau 'to' (\(to))", "'from' (\(from)) is after 'to' (\(to))",
                               at: pk["from"]!.value.location)
                } else {
                    h.period = DateRange(from: from, to: to)
                }
            }
        }
        if let e = k["reports"], !e.value.isNull, let items = r.list(e.value, "'reports'", "'reports'") {
            for item in items {
                guard let d = r.date(item, "report date", "ngày báo cáo") else { continue }
                if let p = h.period, !p.contains(d) {
                    sink.warning("ngày báo cáo \(d) nằm ngoài thời gian kế hoạch \(p)",
                                 "report date \(d) is outside the plan period \(p)", at: item.location)
                }
                h.reports.append(d)
            }
        }
        if let e = k["report"], !e.value.isNull, let entries = r.mapping(e.value, "'report'", "'report'") {
            let rk = r.keyed(entries, in: e.value, allowed: ["unit", "number", "place", "signer", "signer_title"],
                             required: [], where: "'report'", "'report'")
            func text(_ key: String) -> String? { rk[key].flatMap { r.string($0.value, "'\(key)'", "'\(key)'") } }
            h.issuer = ReportIssuer(unit: text("unit"), number: text("number"), place: text("place"),
                                    signer: text("signer"), signerTitle: text("signer_title"))
        }
        return h
    }

    // MARK: topics

    func readTopics() -> [Topic] {
        var topics: [Topic] = [], seen: [String: SourceLocation] = [:]
        for node in sections.topics {
            guard let entries = r.mapping(node, "a topic", "một chủ đề") else { continue }
            let k = r.keyed(entries, in: node, allowed: Self.topicKeys, required: ["id", "title"],
                            where: "a topic", "một chủ đề")
            guard let idNode = k["id"]?.value, let id = r.string(idNode, "topic id", "id chủ đề") else { continue }
            if let first = seen[id] {
                duplicate("chủ đề", "topic", id, first: first, at: idNode.location); continue
            }
            seen[id] = idNode.location
            let title = k["title"].flatMap { r.string($0.value, "topic title", "tiêu đề chủ đề") } ?? id
            topics.append(Topic(id: id, title: title))
        }
        return topics
    }

    func duplicate(_ whatVI: String, _ what: String, _ id: String, first: SourceLocation, at: SourceLocation) {
        sink.error("\(whatVI) '\(id)' bị trùng (đã có ở \(first))", "duplicate \(what) id '\(id)' (first at \(first))",
                   at: at)
    }

    // MARK: slots

    struct Template { var slots: [SlotSpec]; var relays: [RelaySpec] = []; var location: SourceLocation }

    func readTemplates() -> [String: Template] {
        var templates: [String: Template] = [:]
        for e in sections.templates {
            if let first = templates[e.key] {
                duplicate("mẫu khung giờ", "slot template", e.key, first: first.location, at: e.keyNode.location)
                continue
            }
            templates[e.key] = readTemplate(e)
        }
        return templates
    }

    func readSlots(_ node: YNode, context: (vi: String, en: String)) -> [SlotSpec]? {
        guard let items = r.list(node, "slots", "khung giờ", allowScalar: false) else { return nil }
        let slots = items.compactMap { readTimed($0, allowed: Self.slotKeys, "a slot", "một khung giờ")?.spec }
        checkOverlaps(slots, context: context)
        return slots
    }

    /// The timing every slot and relay has (`name`, `days`, `start`, `length`), checked: more than 0, not past
    /// midnight. Also hands back the item's keys, for what else the caller reads.
    func readTimed(_ item: YNode, allowed: [String], _ what: String, _ whatVI: String)
        -> (spec: SlotSpec, keys: [String: YEntry])? {
        guard let entries = r.mapping(item, what, whatVI) else { return nil }
        let k = r.keyed(entries, in: item, allowed: allowed, required: ["name", "start", "length"] + (
            allowed.contains("source") ? ["source"] : []), where: what, whatVI)
        let name = k["name"].flatMap { r.string($0.value, "slot name", "tên khung giờ") }
        let days = k["days"].map { readDays($0.value) } ?? .all
        let start = k["start"].flatMap { r.time($0.value, "'start'", "'start'") }
        let length = k["length"].flatMap { r.length($0.value, "'length'", "'length'") }
        guard let name, let days, let start, let length else { return nil }
        let slot = SlotSpec(name: name, days: days, start: start, lengthSeconds: Int(length.rounded()),
                            location: item.location)
        if slot.lengthSeconds <= 0 {
            sink.error("khung giờ '\(name)' có độ dài bằng 0", "slot '\(name)' has zero length",
                       at: k["length"]!.value.location)
            return nil
        }
        if start.minutes * 60 + slot.lengthSeconds > 86_400 {
            sink.error("khung giờ '\(name)' (\(start), \(describe(slot.lengthSeconds))) kéo dài qua nửa đêm",
                       "slot '\(name)' (\(start), \(describe(slot.lengthSeconds))) runs past midnight",
                       at: k["length"]!.value.location)
            return nil
        }
        return (slot, k)
    }

    /// `mon-fri`, `t2-t6`, `cn`, lists of them; ranges may wrap (`sat-mon`).
    func readDays(_ node: YNode) -> WeekdaySet? {
        guard let items = r.list(node, "'days'", "'days'") else { return nil }
        var set = WeekdaySet()
        var ok = true
        for item in items {
            guard let text = r.string(item, "a weekday", "thứ trong tuần") else { ok = false; continue }
            let t = text.trimmingCharacters(in: .whitespaces).lowercased()
            if t == "daily" || t == "all" { set = .all; continue }
            let parts = t.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            let days = parts.map { Weekday(name: $0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(parts.count), days.allSatisfy({ $0 != nil }) else {
                sink.error("thứ không hợp lệ '\(text)': dùng mon…sun hoặc t2…t7, cn, và khoảng như mon-fri, t2-t6",
                           "unknown weekday '\(text)': use mon…sun or t2…t7, cn, and ranges like mon-fri, t2-t6",
                           at: item.location)
                ok = false; continue
            }
            var d = days[0]!.rawValue
            let end = days[days.count - 1]!.rawValue
            while true {
                set.insert(WeekdaySet([Weekday(rawValue: d)!]))
                if d == end { break }
                d = (d + 1) % 7
            }
        }
        return ok ? set : nil
    }

    func checkOverlaps(_ slots: [SlotSpec], context: (vi: String, en: String)) {
        for j in slots.indices {
            for i in 0..<j {
                let a = slots[i], b = slots[j]
                let common = WeekdaySet(rawValue: a.days.rawValue & b.days.rawValue)
                guard let day = common.days.first else { continue }
                let aStart = a.start.minutes * 60, bStart = b.start.minutes * 60
                if aStart < bStart + b.lengthSeconds && bStart < aStart + a.lengthSeconds {
                    sink.error("khung giờ '\(b.name)' (\(span(b))) chồng lên '\(a.name)' (\(span(a))) vào \(day.name) "
                               + "trong \(context.vi)",
                               "slot '\(b.name)' (\(span(b))) overlaps '\(a.name)' (\(span(a))) on \(day.name) "
                               + "in \(context.en)", at: b.location)
                } else if a.name == b.name {
                    sink.error("hai khung giờ cùng tên '\(b.name)' trong một ngày (\(day.name)) trong \(context.vi)",
                               "two slots named '\(b.name)' on the same day (\(day.name)) in \(context.en)",
                               at: b.location)
                }
            }
        }
    }

    func span(_ s: SlotSpec) -> String { Self.span(s) }

    /// `06:00–06:15`, as problems name a slot's or relay's time.
    static func span(_ s: SlotSpec) -> String {
        let end = s.start.minutes + (s.lengthSeconds + 59) / 60
        return "\(s.start)–\(TimeOfDay(minutes: end % 1440).map(\.description) ?? "24:00")"
    }
}

/// `15m`, `1h30m`, `90s` for messages.
func describe(_ seconds: Int) -> String {
    var parts: [String] = []
    if seconds >= 3600 { parts.append("\(seconds / 3600)h") }
    if seconds % 3600 >= 60 { parts.append("\(seconds % 3600 / 60)m") }
    if seconds % 60 != 0 || parts.isEmpty { parts.append("\(seconds % 60)s") }
    return parts.joined()
}
