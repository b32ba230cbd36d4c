import Foundation
import LoaCore
import LoaL10n
import LoaPlan

extension Plan {
    /// The slots a schedule file gives `station`, matched to the plan (`resolving`) and held to the scheduler's own
    /// rules: the file has slots for this station, its slots do not overlap, and no item airs twice in one slot
    /// (an airing id would be shared). `entries` are all of the file's lines, every station's.
    public func stationSlots(from entries: [ScheduleFile.Entry], station: String,
                             file: String) throws(ScheduleFileError) -> [SlotOccurrence] {
        let own = entries.filter { $0.occurrence.station == station }
        if own.isEmpty {
            let others = Array(Set(entries.map(\.occurrence.station))).sorted()
            guard let first = entries.first else {
                throw ScheduleFileError(.invalid, file: file, line: nil,
                                        Localized(vi: "lịch phát không có khung giờ nào", en: "the schedule holds no slot"))
            }
            let list = others.joined(separator: ", ")
            throw ScheduleFileError(.notInPlan, file: file, line: first.line,
                                    Localized(vi: "lịch phát không có khung giờ nào của đài \(station) (chỉ có: \(list))",
                                              en: "the schedule holds no slot of station \(station) (only: \(list))"))
        }
        for entry in own {
            var seen = Set<String>()
            for item in entry.occurrence.items where !seen.insert(entry.occurrence.airingID(of: item)).inserted {
                let what = item.message.map { "message \($0)" } ?? item.kind.rawValue
                let whatVi = item.message.map { "tin \($0)" } ?? item.kind.rawValue
                throw ScheduleFileError(.invalid, file: file, line: entry.line, Localized(
                    vi: "\(whatVi) có hai lần trong khung giờ \(entry.occurrence.slot) (một lượt phát chỉ một lần)",
                    en: "\(what) appears twice in slot \(entry.occurrence.slot) (an airing airs once)"))
            }
        }
        let byStart = own.sorted { ($0.occurrence.start, $0.line) < ($1.occurrence.start, $1.line) }
        for (earlier, later) in zip(byStart, byStart.dropFirst()) where later.occurrence.start < earlier.occurrence.end {
            let a = earlier.occurrence, b = later.occurrence
            let at = { (o: SlotOccurrence) in Timestamp.format(o.start, timeZone: TimeZone(secondsFromGMT: o.utcOffsetSeconds) ?? timezone) }
            throw ScheduleFileError(.invalid, file: file, line: later.line, Localized(
                vi: "khung giờ \(b.slot) (\(at(b))) chồng lên khung giờ \(a.slot) (\(at(a))) ở dòng \(earlier.line)",
                en: "slot \(b.slot) (\(at(b))) overlaps slot \(a.slot) (\(at(a))) of line \(earlier.line)"))
        }
        return try resolving(own, file: file)
    }
}
