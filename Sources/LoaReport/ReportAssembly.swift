import LoaCore
import LoaL10n
import LoaPlan

extension ReportBuilder {
    /// Owed against aired for one message at one station, period by period, in a form a reader can redo by hand:
    /// each due period (ending inside the span) counts at most `required` of its full airings toward what is owed;
    /// beyond that, an airing first fills an earlier due period's shortfall (a make-up), else it is over-delivery.
    /// Full airings dated before the span inside a due period are counted (`earlier`); those in the span toward a
    /// period ending after it are `pending` (owed in the next report).
    static func settle(_ t: inout Tally, dues all: [Due], fullDays: [Int32], span: DateRange) -> Bool? {
        let lo = span.from.dayNumber, hi = span.to.dayNumber
        func count(_ from: Int, _ to: Int) -> Int { fullDays.lazy.filter { Int($0) >= from && Int($0) <= to }.count }
        for d in all where d.to > span.to { t.pending += count(max(d.from.dayNumber, lo), hi) }
        let dues = all.filter { $0.to >= span.from && $0.to <= span.to }.sorted { $0.from < $1.from }
        guard !dues.isEmpty else { return nil }
        var shortfall = 0, met = true
        for d in dues {
            let n = count(d.from.dayNumber, d.to.dayNumber)
            t.owed += d.required
            t.earlier += count(d.from.dayNumber, min(d.to.dayNumber, lo - 1))
            t.delivered += min(n, d.required)
            if n < d.required {
                met = false
                shortfall += d.required - n
            } else {
                let made = min(n - d.required, shortfall)
                t.makeups += made
                shortfall -= made
                t.extra += n - d.required - made
            }
        }
        return met
    }

    func assemble() -> Report {
        var pairs: [PairRow] = [], messageRows: [MessageRow] = []
        var topicRows: [String: GroupRow] = [:], stationRows: [Int32: GroupRow] = [:]
        /// Stations (report indexes) that aired a message of the topic in full.
        var topicStations: [String: Set<Int32>] = [:]
        let stationsByID = Dictionary(plan.stations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let topicTitles = Dictionary(plan.topics.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        let noTopic = "—"
        let shown = { (s: Int32) in stationFilter?.contains(stationIDs[Int(s)]) ?? true }

        for s in 0..<stationIDs.count where shown(Int32(s)) {
            let id = stationIDs[s]
            stationRows[Int32(s)] = GroupRow(id: id, title: stationsByID[id]?.name ?? id, messages: 0,
                                             messagesAired: 0, pairsOwing: 0, pairsMet: 0, tally: Tally())
        }
        // Log-only pairs (messages or stations the plan does not know) follow the plan's, in id order.
        var logOnly: [Int32: [Int32]] = [:]
        let planMessages = Set(plan.messages.map(\.id))
        for (p, k) in pairTable.keys.enumerated() where pairTable.tallied[p] && shown(k.station) {
            let mid = messageIDs[Int(k.message)], sid = stationIDs[Int(k.station)]
            guard let m = plan.message(mid), let st = stationsByID[sid],
                  m.targets.contains(where: { $0.matches(st) }) else {
                logOnly[k.message, default: []].append(k.station); continue
            }
        }

        for m in 0..<messageIDs.count {
            let mid = messageIDs[m]
            let message = plan.message(mid)
            var row = MessageRow(message: mid, title: message?.title ?? mid, topic: message?.topic,
                                 inPlan: planMessages.contains(mid), targetedStations: 0, owingStations: 0,
                                 stationsMet: 0, tally: Tally())
            var stations: [(Int32, Station?)] = []
            if let message {
                stations = plan.targetedStations(of: message).map { (stationIndex[$0.id]!, $0) }.filter { shown($0.0) }
            }
            row.targetedStations = stations.count
            stations += (logOnly[Int32(m)] ?? []).sorted { stationIDs[Int($0)] < stationIDs[Int($1)] }.map { ($0, nil) }
            let topic = message?.topic ?? noTopic
            var aired = false
            for (s, station) in stations {
                let p = pairTable.find(Key(message: Int32(m), station: s))
                var t = p.map { pairTable.tallies[$0] } ?? Tally()
                var met: Bool?
                let days = p.map { pairTable.fullDays[$0] } ?? []
                if let message, let station {
                    met = Self.settle(&t, dues: owed(message, station), fullDays: days, span: span)
                }
                if t.owed > 0 { row.owingStations += 1; if met == true { row.stationsMet += 1 } }
                row.tally.add(t)
                pairs.append(PairRow(message: mid, station: stationIDs[Int(s)], tally: t, met: met))
                var sr = stationRows[s]!
                sr.messages += 1
                if t.full > 0 { sr.messagesAired += 1 }
                if t.owed > 0 { sr.pairsOwing += 1; if met == true { sr.pairsMet += 1 } }
                sr.tally.add(t)
                stationRows[s] = sr
                if t.full > 0 {
                    aired = true
                    if message != nil { topicStations[topic, default: []].insert(s) }
                }
            }
            // With `--station`, a message none of the chosen stations owes or aired is not theirs to report.
            if stationFilter != nil && stations.isEmpty { continue }
            if message != nil || row.tally != Tally() {
                messageRows.append(row)
                var tr = topicRows[topic] ?? GroupRow(id: topic, title: topicTitles[topic] ?? (topic == noTopic
                    ? "" : topic), messages: 0, messagesAired: 0, pairsOwing: 0, pairsMet: 0, tally: Tally())
                tr.messages += 1
                if aired { tr.messagesAired += 1 }
                tr.pairsOwing += row.owingStations
                tr.pairsMet += row.stationsMet
                tr.tally.add(row.tally)
                topicRows[topic] = tr
            }
        }

        // People reached: the population (households) of stations that aired a plan message in full.
        func reach(_ stations: Set<Int32>, _ value: (Station) -> Int?) -> Int? {
            let known = stationRows.keys.compactMap { stationsByID[stationIDs[Int($0)]].flatMap(value) }
            guard !known.isEmpty else { return nil }
            return stations.compactMap { stationsByID[stationIDs[Int($0)]].flatMap(value) }.reduce(0, +)
        }
        for (s, var row) in stationRows {
            row.stationsAired = row.messagesAired > 0 && stationsByID[row.id] != nil ? 1 : 0
            let st = stationsByID[row.id]
            for (i, source) in AiringSource.allCases.enumerated() where sourceSeen[i] {
                row.airtimeBySource[source.rawValue] = Int(s) < sourceAirtime.count ? sourceAirtime[Int(s)][i] : 0
            }
            row.population = st?.population
            row.households = st?.households
            row.peopleReached = st?.population.map { row.stationsAired * $0 }
            row.householdsReached = st?.households.map { row.stationsAired * $0 }
            stationRows[s] = row
        }
        for (id, var row) in topicRows {
            let set = topicStations[id] ?? []
            row.stationsAired = set.count
            row.peopleReached = reach(set, \.population)
            row.householdsReached = reach(set, \.households)
            topicRows[id] = row
        }

        let topicOrder = plan.topics.map(\.id)
        let topics = topicRows.values.sorted { a, b in
            let ia = topicOrder.firstIndex(of: a.id) ?? Int.max, ib = topicOrder.firstIndex(of: b.id) ?? Int.max
            return ia != ib ? ia < ib : a.id < b.id
        }
        // Sources present in the stations reported (an emergency elsewhere is not this commune's).
        let present = Set(stationRows.values.flatMap { $0.airtimeBySource.filter { $0.value > 0 }.keys })
        for (s, row) in stationRows { stationRows[s]!.airtimeBySource = row.airtimeBySource.filter { present.contains($0.key) } }
        let stationList = (0..<stationIDs.count).compactMap { stationRows[Int32($0)] }
        var total = Tally()
        for r in messageRows { total.add(r.tally) }
        let airedStations = Set(stationRows.filter { $0.value.stationsAired > 0 }.keys)
        var totals = Totals(
            messagesAired: messageRows.filter { $0.inPlan && $0.tally.full > 0 }.count,
            stationsAired: stationList.filter { $0.tally.aired > 0 }.count,
            tally: total,
            pairsOwing: messageRows.reduce(0) { $0 + $1.owingStations },
            pairsMet: messageRows.reduce(0) { $0 + $1.stationsMet })
        totals.stations = stationList.count
        for row in stationList { totals.airtimeBySource.merge(row.airtimeBySource, uniquingKeysWith: +) }
        totals.population = reach(Set(stationRows.keys), \.population)
        totals.households = reach(Set(stationRows.keys), \.households)
        totals.peopleReached = reach(airedStations, \.population)
        totals.householdsReached = reach(airedStations, \.households)

        let weeks = (0..<weekCount).map { isoWeekLabel(CivilDate(dayNumber: firstMonday + 7 * $0)) }
        let heatRows = (0..<stationIDs.count).filter { shown(Int32($0)) }.map { s in
            (station: stationIDs[s], counts: s < heat.count ? heat[s] : Array(repeating: 0, count: weekCount))
        }
        var report = Report(planID: plan.id, planTitle: plan.title, span: span, logs: logs,
                      warnings: warnings(total: total, shownStations: stationList.map(\.id), messages: messageRows),
                      pairs: pairs, messages: messageRows, topics: topics, stations: stationList, totals: totals,
                      weeks: weeks, heat: heatRows,
                      stationNames: Dictionary(plan.stations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
                      stationFilter: stationFilter.map { $0.sorted() }, issuer: plan.issuer, made: nil)
        report.rehearsals = RehearsalNote(events: rehearsalEvents, included: includeRehearsals)
        // Also at the head of the report itself, so a printed copy says it too.
        if rehearsalEvents > 0 || includeRehearsals { report.warnings.insert(report.rehearsals.line, at: 0) }
        return report
    }

    private func warnings(total: Tally, shownStations: [String], messages: [MessageRow]) -> [Localized] {
        var warnings: [Localized] = []
        for log in logs {
            if case .broken(let seq, let fault, _) = log.chain {
                warnings.append(Localized(
                    vi: "Nhật ký \(log.name): chuỗi băm hỏng từ dòng seq \(seq) (\(fault.message.vi)); vẫn được tính.",
                    en: "Log \(log.name): hash chain broken at row seq \(seq) (\(fault.message.en)); counted anyway."))
            }
            if log.otherPlans > 0 {
                warnings.append(Localized(
                    vi: "Nhật ký \(log.name): \(log.otherPlans) sự kiện thuộc kế hoạch khác, không tính.",
                    en: "Log \(log.name): \(log.otherPlans) events belong to other plans, not counted."))
            }
        }
        if total.unclosed > 0 {
            warnings.append(Localized(
                vi: "\(total.unclosed) lượt phát đã bắt đầu nhưng không có sự kiện kết thúc trong nhật ký nào.",
                en: "\(total.unclosed) airings started but have no ending event in any log."))
        }
        let unknown = shownStations.filter { plan.station($0) == nil }
        if !unknown.isEmpty {
            warnings.append(Localized(vi: "Đài không có trong kế hoạch: \(unknown.joined(separator: ", ")).",
                                      en: "Stations not in the plan: \(unknown.joined(separator: ", "))."))
        }
        let strangers = messages.filter { !$0.inPlan }.map(\.message)
        if !strangers.isEmpty {
            warnings.append(Localized(vi: "Tin không có trong kế hoạch: \(strangers.joined(separator: ", ")).",
                                      en: "Messages not in the plan: \(strangers.joined(separator: ", "))."))
        }
        if undated > 0 {
            warnings.append(Localized(vi: "\(undated) sự kiện có thời điểm không đọc được, không tính.",
                                      en: "\(undated) events have an unreadable time, not counted."))
        }
        return warnings
    }
}
