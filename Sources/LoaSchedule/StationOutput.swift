import LoaCore
import Foundation
import LoaPlan

extension StationScheduler {
    /// The occurrences on the requested days, the shortfalls of periods meeting them, and the tallies.
    func result(clock: LocalClock) -> StationSchedule {
        let plan = context.plan
        var list: [SlotOccurrence] = []
        let lo = max(0, output.from.dayNumber - base), hi = min(nDays - 1, output.to.dayNumber - base)
        if lo <= hi {
            list.reserveCapacity(Int(dayStart[hi + 1] - dayStart[lo]))
            for occ in Int(dayStart[lo])..<Int(dayStart[hi + 1]) {
                list.append(occurrence(occ, clock: clock, plan: plan))
            }
        }
        var shortfalls: [Shortfall] = []
        var tally = Array(repeating: PriorityTally(), count: 3)
        for ob in obs where ob.detail.obligation.range.intersection(output) != nil {
            let p = lms[Int(ob.lm)].priority.rawValue
            tally[p].owed += ob.required
            tally[p].scheduled += min(ob.scheduled, ob.required)
            if ob.scheduled < ob.required { shortfalls.append(shortfall(ob)) }
        }
        return StationSchedule(station: station.id, occurrences: list, shortfalls: shortfalls, tally: tally)
    }

    private func occurrence(_ occ: Int, clock: LocalClock, plan: Plan) -> SlotOccurrence {
        let o = occs[occ]
        let spec = specs[Int(o.spec)]
        let day = base + Int(o.day)
        let (utc, offset) = clock.instant(day: day, minutes: spec.start.minutes)
        var items: [ScheduledItem] = []
        if !o.items.isEmpty {
            items.reserveCapacity(o.items.count + 2)
            var at = 0.0
            if let intro = station.intro, let d = intro.duration, d > 0 {
                items.append(ScheduledItem(kind: .intro, media: intro, offset: 0, duration: d))
                at = d
            }
            // Local message order is not slot order (shorter go first there), so sort by the plan-wide rank.
            let rank = context.rank
            let ordered = o.items.map { lms[Int($0)].index }.sorted { rank[$0] < rank[$1] }
            for i in ordered {
                let m = plan.messages[i]
                items.append(ScheduledItem(kind: .message, message: m.id, priority: m.priority,
                                           media: Self.media(of: m), offset: at, duration: m.duration))
                at += m.duration
            }
            if let outro = station.outro, let d = outro.duration, d > 0 {
                items.append(ScheduledItem(kind: .outro, media: outro, offset: at, duration: d))
            }
        }
        return SlotOccurrence(station: station.id, date: CivilDate(dayNumber: day), slot: spec.name,
                              start: Date(timeIntervalSince1970: TimeInterval(utc)), utcOffsetSeconds: offset,
                              lengthSeconds: spec.lengthSeconds, items: items)
    }

    static func media(of m: Message) -> Media {
        if let media = m.media { return media }
        if case .audio(let path) = m.content { return Media(path: path) }
        return Media(path: "")
    }

    // MARK: reasons

    private func shortfall(_ ob: Ob) -> Shortfall {
        let l = Int(ob.lm)
        let lm = lms[l]
        let o = ob.detail.obligation
        let span = "\(o.from)…\(o.to)"
        var fitting = 0, capacity = 0, blocked = 0, blockedByHigher = 0, longest = 0.0
        for d in Int(ob.from)...Int(ob.to) {
            var fitsToday = 0
            for occ in Int(dayStart[d])..<Int(dayStart[d + 1]) where usable[l * specs.count + Int(occs[occ].spec)] {
                let x = occs[occ]
                longest = max(longest, x.cap)
                guard x.cap >= lm.duration else { continue }
                fitsToday += 1
                if !x.items.contains(Int32(l)) && Int(dayCount[l * nDays + d]) < lm.maxPerDay {
                    blocked += 1
                    let higher = x.items.reduce(0.0) {
                        $0 + (lms[Int($1)].priority > lm.priority ? lms[Int($1)].duration : 0)
                    }
                    if higher + lm.duration > x.cap { blockedByHigher += 1 }
                }
            }
            fitting += fitsToday
            capacity += min(lm.maxPerDay, fitsToday)
        }
        let dur = Self.seconds(lm.duration), r = o.required
        let code: String, en: String, vi: String
        if fitting == 0 {
            code = "no_usable_slot"
            let room = Self.seconds(max(0, longest))
            en = "no slot the message may use in \(span) has room for it: it lasts \(dur) s, the longest such slot "
                + "leaves \(room) s after intro and outro; lengthen or add slots, or allow more slot names"
            vi = "không có khung giờ nào tin được dùng trong \(span) đủ chỗ: tin dài \(dur) giây, khung dài nhất "
                + "chỉ còn \(room) giây sau nhạc hiệu; kéo dài hoặc thêm khung, hoặc cho phép thêm tên khung"
        } else if capacity < r {
            if fitting >= r {
                code = "max_per_day"
                en = "max_per_day \(lm.maxPerDay) is too low: at most \(capacity) airings fit in \(span) but \(r) "
                    + "are owed; raise max_per_day or lower the count"
                vi = "max_per_day \(lm.maxPerDay) quá thấp: trong \(span) chỉ phát được tối đa \(capacity) lần "
                    + "nhưng phải phát \(r) lần; tăng max_per_day hoặc giảm số lần"
            } else if ob.detail.period != o.range {
                code = "window_shorter_than_period"
                en = "the message's window covers only \(span) of \(ob.detail.period.from)…\(ob.detail.period.to) "
                    + "(\(ob.detail.eligibleInWindow) of \(ob.detail.eligibleInPeriod) broadcast days): \(capacity) "
                    + "usable slots for \(r) owed airings; widen the window or lower the count"
                vi = "thời hạn của tin chỉ phủ \(span) trong kỳ \(ob.detail.period.from)…\(ob.detail.period.to) "
                    + "(\(ob.detail.eligibleInWindow)/\(ob.detail.eligibleInPeriod) ngày phát): chỉ có \(capacity) "
                    + "lượt khung cho \(r) lần phải phát; nới thời hạn hoặc giảm số lần"
            } else {
                code = "too_few_slots"
                en = "the slots the message may use in \(span) allow only \(capacity) airings for \(r) owed; add slots, "
                    + "allow more slot names or lower the count"
                vi = "trong \(span) chỉ có \(capacity) lượt khung tin được dùng cho \(r) lần phải phát; thêm khung, "
                    + "cho phép thêm tên khung hoặc giảm số lần"
            }
        } else if blocked > 0 && blockedByHigher == blocked {
            code = "slots_full_higher_priority"
            en = "slots full of higher-priority messages: \(blocked) slots it may use in \(span) have no room left; "
                + "lengthen slots or shorten, spread or end the higher-priority messages sooner"
            vi = "các khung đã kín tin ưu tiên cao hơn: \(blocked) lượt khung trong \(span) không còn chỗ; kéo dài "
                + "khung, hoặc rút ngắn, giãn ra hay kết thúc sớm các tin ưu tiên cao hơn"
        } else {
            code = "slots_full"
            en = "slots full of messages of the same or higher priority (over-booked): \(blocked) slots it may use "
                + "in \(span) have no room left; lengthen slots, lower counts or spread the windows"
            vi = "các khung đã kín tin cùng mức hoặc ưu tiên cao hơn (quá tải): \(blocked) lượt khung trong \(span) "
                + "không còn chỗ; kéo dài khung, giảm số lần hoặc giãn thời hạn các tin"
        }
        return Shortfall(o, scheduled: ob.scheduled, reason: en, code: code, reasonVi: vi)
    }

    /// Seconds as printed in outputs: rounded to milliseconds, no trailing `.0`.
    static func seconds(_ x: Double) -> String { TextBuffer.seconds(x) }
}
