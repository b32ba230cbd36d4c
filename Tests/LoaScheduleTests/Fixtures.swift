import LoaCore
import Foundation
import LoaPlan

/// Builders for plans made straight from the model structs (no YAML).
enum Fx {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static func range(_ a: String, _ b: String) -> DateRange { DateRange(from: d(a), to: d(b)) }
    static func slot(_ name: String, _ days: [Weekday] = Weekday.allCases, _ start: String,
                     _ minutes: Double) -> SlotSpec {
        SlotSpec(name: name, days: WeekdaySet(days), start: TimeOfDay(start)!, lengthSeconds: Int(minutes * 60))
    }
    static let weekdays: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
    static func twoSlots(_ days: [Weekday] = Weekday.allCases, minutes: Double = 15) -> [SlotSpec] {
        [slot("morning", days, "06:00", minutes), slot("evening", days, "17:00", minutes)]
    }
    static func station(_ id: String, slots: [SlotSpec] = twoSlots(), groups: [String] = [],
                        closed: [String] = [], intro: Double? = nil, outro: Double? = nil) -> Station {
        Station(id: id, name: id, groups: groups, slots: slots,
                intro: intro.map { located("audio/intro-\(id).wav", duration: $0) },
                outro: outro.map { located("audio/outro.wav", duration: $0) },
                closed: Set(closed.map(d)))
    }
    static func message(_ id: String, _ count: Int, per: QuotaPeriod, from: String = "2026-04-01",
                        to: String = "2026-12-31", priority: Priority = .normal, targets: [Target] = [.all],
                        slots: [String]? = nil, maxPerDay: Int = 1, seconds: Double = 60) -> Message {
        Message(id: id, title: id, content: .audio("audio/\(id).wav"), priority: priority,
                window: range(from, to), quota: Quota(count: count, per: per), targets: targets,
                slotNames: slots, maxPerDay: maxPerDay,
                media: located("audio/\(id).wav", duration: seconds))
    }
    /// Media as the plan's resolver leaves it: located in the plan's folder (`/tmp/loa-test`) and measured.
    static func located(_ path: String, duration: Double) -> Media {
        Media(path: path, url: URL(fileURLWithPath: "/tmp/loa-test/\(path)"), duration: duration)
    }
    static func plan(_ stations: [Station], _ messages: [Message], from: String = "2026-04-01",
                     to: String = "2026-12-31") -> Plan {
        // Message windows are clipped into the plan period, as a valid plan's are.
        let period = range(from, to)
        let messages = messages.map { m in
            var m = m
            m.window = m.window.intersection(period) ?? DateRange(from: period.from, to: period.from.adding(days: -1))
            return m
        }
        return Plan(id: "test-plan", title: "Test", timezone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!,
             period: range(from, to), stations: stations, messages: messages,
             file: URL(fileURLWithPath: "/tmp/loa-test/plan.yaml"))
    }
}
