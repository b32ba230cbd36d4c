import Foundation
import LoaCore
import LoaPlan

extension StationSchedule {
    /// The schedule with the station's relays on the days of `range` laid in, each an occurrence holding one
    /// `relay` item that fills it (its `audio` the source), in start order with the slots.
    func addingRelays(of station: Station, range: DateRange, clock: LocalClock) -> StationSchedule {
        guard !station.relays.isEmpty, !range.isEmpty else { return self }
        var out = self
        for dayNumber in range.from.dayNumber...range.to.dayNumber {
            let date = CivilDate(dayNumber: dayNumber)
            for relay in station.relays(on: date) {
                let (utc, offset) = clock.instant(day: dayNumber, minutes: relay.timing.start.minutes)
                let length = Double(relay.timing.lengthSeconds)
                let item = ScheduledItem(kind: .relay, media: Media(path: relay.source.description, duration: length),
                                         offset: 0, duration: length)
                out.occurrences.append(SlotOccurrence(
                    station: station.id, date: date, slot: relay.name, start: Date(timeIntervalSince1970: TimeInterval(utc)),
                    utcOffsetSeconds: offset, lengthSeconds: relay.timing.lengthSeconds, items: [item]))
            }
        }
        // Stable: slots and relays never share a start (the plan check refuses overlaps).
        out.occurrences.sort { $0.start < $1.start }
        return out
    }
}
