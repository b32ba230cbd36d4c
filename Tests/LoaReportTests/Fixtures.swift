import LoaCore
import Foundation
import LoaLog
import LoaPlan
@testable import LoaReport

let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

func day(_ s: String) -> CivilDate { CivilDate(s)! }

func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loareport-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Three inner wards, weekday slots at 06:00 and 17:00; `flooding` twice a week everywhere (topic 1.12),
/// `heat` once a week at ba-dinh only (topic 1.13), `olympic` (topic 1.13) owed nowhere in June.
func samplePlan() -> Plan {
    let weekdays = WeekdaySet([.mon, .tue, .wed, .thu, .fri])
    let slots = [SlotSpec(name: "morning", days: weekdays, start: TimeOfDay("06:00")!, lengthSeconds: 900),
                 SlotSpec(name: "evening", days: weekdays, start: TimeOfDay("17:00")!, lengthSeconds: 900)]
    let period = DateRange(from: day("2026-04-01"), to: day("2026-12-31"))
    return Plan(
        id: "hanoi-2026", title: "Đẩy mạnh thông tin, tuyên truyền quý II–IV/2026", timezone: hanoi, period: period,
        reports: [day("2026-06-15"), day("2026-09-15"), day("2026-12-15")],
        topics: [Topic(id: "1.12", title: "Khắc phục 05 điểm nghẽn"), Topic(id: "1.13", title: "Thể thao, Olympic")],
        stations: [Station(id: "ba-dinh", name: "Phường Ba Đình", slots: slots),
                   Station(id: "hoan-kiem", name: "Phường Hoàn Kiếm", slots: slots),
                   Station(id: "tay-ho", name: "Phường Tây Hồ", slots: slots)],
        messages: [
            Message(id: "flooding", title: "Chủ động phòng, chống ngập úng", topic: "1.12",
                    content: .audio("audio/flooding.flac"), window: period, quota: Quota(count: 2, per: .week),
                    media: Media(path: "audio/flooding.flac", duration: 95)),
            Message(id: "heat", title: "Phòng chống nắng nóng", topic: "1.13", content: .audio("audio/heat.flac"),
                    window: period, quota: Quota(count: 1, per: .week), targets: [.station("ba-dinh")],
                    media: Media(path: "audio/heat.flac", duration: 60)),
            Message(id: "olympic", title: "Thành phố thể thao", topic: "1.13", content: .audio("audio/o.flac"),
                    window: DateRange(from: day("2026-09-01"), to: day("2026-09-30")),
                    quota: Quota(count: 1, per: .week), media: Media(path: "audio/o.flac", duration: 60)),
        ],
        file: URL(fileURLWithPath: "/tmp/plan.yaml"))
}

/// Writes one airing to `log`: `started` then `ending` (nil: no ending event), in the plan's zone.
@discardableResult
func air(_ log: AiringLog, _ id: String, station: String, message: String?, date: String, time: String = "06:00",
         ending: EventKind? = .finished, played: Double? = nil, plan: String = "hanoi-2026") throws -> String {
    let slot = "\(date)T\(time):00+07:00"
    let start = AiringEvent(at: "\(date)T\(time):00.010+07:00", kind: .started, airing: id, station: station,
                            plan: plan, message: message, slotStart: slot, audio: "audio/\(message ?? "intro").flac",
                            plannedSeconds: 95)
    if ending != .missed { try log.append(start) }
    if let ending {
        var end = start
        end.kind = ending
        end.at = "\(date)T\(time):01.000+07:00"
        end.playedSeconds = played ?? (ending == .finished ? 95 : ending == .missed ? nil : 20)
        end.detail = ending == .finished ? nil : "\(ending.rawValue) in test"
        try log.append(end)
    }
    return id
}

/// A table of dues standing in for the plan's quota where a test wants exact control.
func table(_ dues: [String: [Due]]) -> (Message, Station) -> [Due] {
    { m, s in dues["\(m.id)@\(s.id)"] ?? [] }
}
