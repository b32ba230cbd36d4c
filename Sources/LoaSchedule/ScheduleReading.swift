import Foundation
import LoaCore
import LoaL10n
import LoaPlan

extension Plan {
    /// Slot occurrences read from a schedule file (`ScheduleFile.decode`), with every item's audio taken from this
    /// plan: a schedule file is input, so it names only what the plan names, and airs the plan's own media (a text
    /// message airs this box's rendering, whatever machine made the file). Errors name `file` and the line.
    public func resolving(_ entries: [ScheduleFile.Entry], file: String) throws(ScheduleFileError) -> [SlotOccurrence] {
        try entries.map { entry throws(ScheduleFileError) in
            func fail(_ vi: String, _ en: String) -> ScheduleFileError {
                ScheduleFileError(.notInPlan, file: file, line: entry.line, Localized(vi: vi, en: en))
            }
            var o = entry.occurrence
            guard let station = station(o.station) else {
                throw fail("đài \(o.station) không có trong kế hoạch \(id)", "station \(o.station) is not in plan \(id)")
            }
            for i in o.items.indices {
                let item = o.items[i]
                let planned: Media?
                switch item.kind {
                case .intro: planned = station.intro
                case .outro: planned = station.outro
                case .relay:
                    // The plan's relay of that name and time, with the same source: a file cannot invent one.
                    guard let relay = station.relays(on: o.date).first(where: { $0.name == o.slot }),
                          relay.source.description == item.media.path, o.lengthSeconds == relay.timing.lengthSeconds
                    else {
                        throw fail("tiếp sóng \(o.slot) (\(item.media.path)) không có trong kế hoạch \(id)",
                                   "relay \(o.slot) (\(item.media.path)) is not in plan \(id)")
                    }
                    o.items[i].media.duration = item.duration
                    continue
                case .message:
                    guard let mid = item.message, let m = message(mid) else {
                        throw fail("tin \(item.message ?? "?") không có trong kế hoạch \(id)",
                                   "message \(item.message ?? "?") is not in plan \(id)")
                    }
                    // A rendering's path is the machine's own; the plan's text decides what airs.
                    if case .text = m.content { o.items[i].media = m.media ?? item.media; continue }
                    planned = m.media
                }
                guard let planned, planned.path == item.media.path else {
                    throw fail("âm thanh \(item.media.path) không phải âm thanh kế hoạch dùng cho mục này",
                               "audio \(item.media.path) is not what the plan airs for this item")
                }
                o.items[i].media = planned
            }
            return o
        }
    }
}
