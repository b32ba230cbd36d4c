import LoaCore
import Foundation
import LoaL10n

extension PlanBuilder {
    // MARK: stations

    func readStations(templates: [String: Template]) -> [Station] {
        var stations: [Station] = [], seen: [String: SourceLocation] = [:]
        for node in sections.stations {
            guard let entries = r.mapping(node, "a station", "một đài") else { continue }
            let k = r.keyed(entries, in: node, allowed: Self.stationKeys, required: ["id", "slots"],
                            where: "a station", "một đài")
            guard let idNode = k["id"]?.value, let id = r.string(idNode, "station id", "id của đài") else { continue }
            if !isValidID(id) {
                sink.error("id đài '\(id)' chỉ được gồm chữ thường a-z, số và dấu '-'",
                           "station id '\(id)' may only contain lowercase a-z, digits and '-'", at: idNode.location)
            }
            if let first = seen[id] { duplicate("đài", "station", id, first: first, at: idNode.location); continue }
            seen[id] = idNode.location

            var station = Station(id: id, name: id, slots: [], location: node.location)
            if let e = k["name"], let name = r.string(e.value, "station name", "tên đài") { station.name = name }
            if let e = k["groups"], !e.value.isNull, let items = r.list(e.value, "'groups'", "'groups'") {
                station.groups = items.compactMap { r.string($0, "a group name", "tên nhóm") }
            }
            if let e = k["slots"], !e.value.isNull {
                if case .scalar = e.value.node {
                    let name = e.value.scalar ?? ""
                    if let t = templates[name] { station.slots = t.slots; station.relays = t.relays } else {
                        let hint = nearest(name, in: Array(templates.keys)).map {
                            ("; có phải là '\($0)'?", "; did you mean '\($0)'?") } ?? ("", "")
                        sink.error("không có mẫu khung giờ '\(name)'\(hint.0)",
                                   "unknown slot template '\(name)'\(hint.1)", at: e.value.location)
                    }
                } else {
                    station.slots = readSlots(e.value, context: ("đài '\(id)'", "station '\(id)'")) ?? []
                }
            }
            if let e = k["relays"], !e.value.isNull {
                station.relays = readRelays(e.value, context: ("đài '\(id)'", "station '\(id)'")) ?? []
            }
            if let e = k["output"], !e.value.isNull { station.output = r.string(e.value, "'output'", "'output'") }
            for key in ["intro", "outro", "fallback"] {
                guard let e = k[key], !e.value.isNull, let path = r.string(e.value, "'\(key)'", "'\(key)'")
                else { continue }
                let ref = Media(path: path, writtenAt: e.value.location)
                switch key {
                case "intro": station.intro = ref
                case "outro": station.outro = ref
                default: station.fallback = ref
                }
            }
            if let e = k["closed"], !e.value.isNull, let items = r.list(e.value, "'closed'", "'closed'") {
                station.closed = Set(items.compactMap { r.date($0, "a closed day", "ngày nghỉ") })
            }
            for key in ["population", "households"] {
                guard let e = k[key], !e.value.isNull,
                      let n = r.int(e.value, "'\(key)'", "'\(key)'", in: 0...1_000_000_000) else { continue }
                if key == "population" { station.population = n } else { station.households = n }
            }
            checkRelays(station)
            stations.append(station)
        }
        return stations
    }

    // MARK: messages

    func readMessages(stations: [Station], topics: [Topic], period: DateRange?) -> [Message] {
        var messages: [Message] = [], seen: [String: SourceLocation] = [:]
        let stationIDs = Set(stations.map(\.id))
        let groups = Set(stations.flatMap(\.groups))
        // Slot names reachable through each kind of target, so `slots:` is checked without scanning stations.
        var namesAll = Set<String>(), namesByGroup: [String: Set<String>] = [:], namesByStation: [String: Set<String>] = [:]
        for s in stations {
            let names = Set(s.slots.map(\.name))
            namesAll.formUnion(names)
            namesByStation[s.id, default: []].formUnion(names)
            for g in s.groups { namesByGroup[g, default: []].formUnion(names) }
        }
        for node in sections.messages {
            guard let entries = r.mapping(node, "a message", "một tin") else { continue }
            let k = r.keyed(entries, in: node, allowed: Self.messageKeys, required: ["id", "airings"],
                            where: "a message", "một tin")
            guard let idNode = k["id"]?.value, let id = r.string(idNode, "message id", "id của tin") else { continue }
            if !isValidID(id) {
                sink.error("id tin '\(id)' chỉ được gồm chữ thường a-z, số và dấu '-'",
                           "message id '\(id)' may only contain lowercase a-z, digits and '-'", at: idNode.location)
            }
            if let first = seen[id] { duplicate("tin", "message", id, first: first, at: idNode.location); continue }
            seen[id] = idNode.location
            var ok = true

            let title = k["title"].flatMap { r.string($0.value, "message title", "tiêu đề tin") } ?? id
            var topic: String?
            if let e = k["topic"], !e.value.isNull, let t = r.string(e.value, "'topic'", "'topic'") {
                topic = t
                if !topics.contains(where: { $0.id == t }) {
                    let hint = nearest(t, in: topics.map(\.id)).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") }
                        ?? ("", "")
                    sink.error("không có chủ đề '\(t)' trong 'topics'\(hint.0)", "unknown topic '\(t)'\(hint.1)",
                               at: e.value.location)
                }
            }

            let content = readContent(k, id: id, node: node)
            if content == nil { ok = false }
            var media: Media?
            if case .audio(let path)? = content { media = Media(path: path, writtenAt: k["audio"]!.value.location) }

            var priority = Priority.normal
            if let e = k["priority"], let name = r.string(e.value, "'priority'", "'priority'") {
                if let p = Priority(name: name) { priority = p } else {
                    sink.error("mức ưu tiên không hợp lệ '\(name)': dùng normal, priority hoặc emergency",
                               "unknown priority '\(name)': use normal, priority or emergency", at: e.value.location)
                }
            }

            let window = readWindow(k, period: period)
            if window == nil { ok = false }
            let quota = k["airings"].flatMap { readQuota($0.value) }
            if quota == nil { ok = false }

            var targets: [Target] = [.all]
            if let e = k["targets"], !e.value.isNull, let items = r.list(e.value, "'targets'", "'targets'") {
                targets = items.compactMap { readTarget($0, stationIDs: stationIDs, groups: groups) }
                if targets.count != items.count { ok = false }
            }

            var slotNames: [String]?
            if let e = k["slots"], !e.value.isNull, let items = r.list(e.value, "'slots'", "'slots'") {
                slotNames = items.compactMap { r.string($0, "a slot name", "tên khung giờ") }
                var known = Set<String>()
                for t in targets {
                    switch t {
                    case .all: known.formUnion(namesAll)
                    case .group(let g): known.formUnion(namesByGroup[g] ?? [])
                    case .station(let id): known.formUnion(namesByStation[id] ?? [])
                    }
                }
                for (item, name) in zip(items, slotNames ?? []) where !known.contains(name) && !targets.isEmpty {
                    let hint = nearest(name, in: known.sorted()).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") }
                        ?? ("", "")
                    sink.error("không đài nào được nhắm có khung giờ tên '\(name)'\(hint.0)",
                               "no targeted station has a slot named '\(name)'\(hint.1)", at: item.location)
                }
            }

            var maxPerDay = 1
            if let e = k["max_per_day"], let v = r.int(e.value, "'max_per_day'", "'max_per_day'", in: 1...100) {
                maxPerDay = v
            }

            guard ok, let content, let window, let quota else {
                if let media { sink.mediaOfDroppedEntries.append(media) }
                continue
            }
            var message = Message(id: id, title: title, topic: topic, content: content, priority: priority,
                                  window: window, quota: quota, targets: targets, slotNames: slotNames,
                                  maxPerDay: maxPerDay, media: media, location: node.location)
            message.contentLocation = (k["audio"] ?? k["text"])?.value.location
            messages.append(message)
        }
        return messages
    }

    func readContent(_ k: [String: YEntry], id: String, node: YNode) -> MessageContent? {
        let audio = k["audio"].flatMap { $0.value.isNull ? nil : $0 }
        let text = k["text"].flatMap { $0.value.isNull ? nil : $0 }
        let textKeys = ["voice", "speed", "repeat", "pause"].filter { k[$0] != nil }
        switch (audio, text) {
        case (nil, nil):
            sink.error("tin '\(id)' cần đúng một trong 'audio' hoặc 'text', nhưng không có cái nào",
                       "message '\(id)' needs exactly one of 'audio' or 'text', and has neither", at: node.location)
            return nil
        case (let a?, let t?):
            let second = a.keyNode.location.line > t.keyNode.location.line ? a : t
            sink.error("tin '\(id)' có cả 'audio' lẫn 'text'; chỉ được một trong hai",
                       "message '\(id)' has both 'audio' and 'text'; give exactly one", at: second.keyNode.location)
            return nil
        case (let a?, nil):
            for key in textKeys {
                sink.warning("'\(key)' chỉ dùng cho tin đọc từ văn bản ('text'); bị bỏ qua",
                             "'\(key)' applies only to text messages ('text'); ignored", at: k[key]!.keyNode.location)
            }
            return r.string(a.value, "'audio'", "'audio'").map { .audio($0) }
        case (nil, let t?):
            guard let body = r.string(t.value, "'text'", "'text'") else { return nil }
            var bulletin = TextBulletin(text: body)
            var ok = true
            if let e = k["voice"], let v = r.string(e.value, "'voice'", "'voice'") {
                if Self.voices.contains(v) { bulletin.voice = v } else {
                    let hint = nearest(v, in: Self.voices).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") }
                        ?? ("", "")
                    sink.error("giọng đọc không có '\(v)' (tin '\(id)')\(hint.0): dùng vi, vi-vn-x-central hoặc vi-vn-x-south",
                               "unknown voice '\(v)' (message '\(id)')\(hint.1): use vi, vi-vn-x-central or vi-vn-x-south",
                               at: e.value.location)
                    ok = false
                }
            }
            if let e = k["speed"] {
                if let v = r.int(e.value, "'speed'", "'speed'"), (80...450).contains(v) { bulletin.speed = v } else {
                    if e.value.scalar.flatMap(Int.init) != nil {
                        sink.error("'speed' (từ/phút) phải trong khoảng 80…450", "'speed' (words per minute) must be 80…450",
                                   at: e.value.location)
                    }
                    ok = false
                }
            }
            if let e = k["repeat"] {
                if let v = r.int(e.value, "'repeat'", "'repeat'", in: 1...10) { bulletin.repeatCount = v } else {
                    ok = false
                }
            }
            if let e = k["pause"] {
                if let v = r.length(e.value, "'pause'", "'pause'", bareSeconds: true) { bulletin.pauseSeconds = v } else {
                    ok = false
                }
            }
            if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                sink.error("'text' của tin '\(id)' trống", "the 'text' of message '\(id)' is empty", at: t.value.location)
                ok = false
            }
            return ok ? .text(bulletin) : nil
        }
    }

    func readWindow(_ k: [String: YEntry], period: DateRange?) -> DateRange? {
        let fromNode = k["from"].flatMap { $0.value.isNull ? nil : $0.value }
        let toNode = k["to"].flatMap { $0.value.isNull ? nil : $0.value }
        let fromParsed = fromNode.map { r.date($0, "'from'", "'from'") }
        let toParsed = toNode.map { r.date($0, "'to'", "'to'") }
        if fromParsed == .some(nil) || toParsed == .some(nil) { return nil }
        guard let from = fromParsed.flatMap({ $0 }) ?? period?.from, let to = toParsed.flatMap({ $0 }) ?? period?.to
        else { return nil }
        if from > to {
            sink.error("'from' (\(from)) sau 'to' (\(to))", "'from' (\(from)) is after 'to' (\(to))",
                       at: (fromNode ?? toNode)!.location)
            return nil
        }
        if let period {
            var ok = true
            if let fromNode, from < period.from {
                sink.error("khoảng phát bắt đầu \(from), trước thời gian kế hoạch \(period)",
                           "the window starts \(from), before the plan period \(period)", at: fromNode.location)
                ok = false
            }
            if let toNode, to > period.to {
                sink.error("khoảng phát kết thúc \(to), sau thời gian kế hoạch \(period)",
                           "the window ends \(to), after the plan period \(period)", at: toNode.location)
                ok = false
            }
            if !ok { return nil }
        }
        return DateRange(from: from, to: to)
    }

    func readQuota(_ node: YNode) -> Quota? {
        guard let entries = r.mapping(node, "'airings'", "'airings'") else { return nil }
        let k = r.keyed(entries, in: node, allowed: ["count", "per"], required: ["count", "per"],
                        where: "'airings'", "'airings'")
        var count: Int?
        // A day of slots holds far fewer airings than this; it keeps the quota arithmetic far from overflow.
        if let e = k["count"], let c = r.int(e.value, "'count'", "'count'", in: 1...10_000) { count = c }
        var per: QuotaPeriod?
        if let e = k["per"], let p = r.string(e.value, "'per'", "'per'") {
            per = QuotaPeriod(rawValue: p)
            if per == nil {
                let names = QuotaPeriod.allCases.map(\.rawValue)
                let hint = nearest(p, in: names).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") } ?? ("", "")
                sink.error("'per' không hợp lệ '\(p)' (dùng \(names.joined(separator: ", ")))\(hint.0)",
                           "unknown 'per' '\(p)' (use \(names.joined(separator: ", ")))\(hint.1)", at: e.value.location)
            }
        }
        guard let count, let per else { return nil }
        return Quota(count: count, per: per)
    }

    func readTarget(_ node: YNode, stationIDs: Set<String>, groups: Set<String>) -> Target? {
        guard let t = r.string(node, "a target", "đối tượng phát") else { return nil }
        if t == "all" { return .all }
        if t.hasPrefix("group:") {
            let g = String(t.dropFirst("group:".count)).trimmingCharacters(in: .whitespaces)
            if groups.contains(g) { return .group(g) }
            let hint = nearest(g, in: groups.sorted()).map { ("; có phải là 'group:\($0)'?", "; did you mean 'group:\($0)'?") }
                ?? ("", "")
            sink.error("không có nhóm đài '\(g)'\(hint.0)", "unknown group '\(g)'\(hint.1)", at: node.location)
            return nil
        }
        if stationIDs.contains(t) { return .station(t) }
        let hint = nearest(t, in: stationIDs.sorted()).map { ("; có phải là '\($0)'?", "; did you mean '\($0)'?") }
            ?? ("", "")
        sink.error("không có đài '\(t)'\(hint.0)", "unknown station '\(t)'\(hint.1)", at: node.location)
        return nil
    }
}
