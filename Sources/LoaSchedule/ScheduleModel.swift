import Foundation
import LoaPlan

/// What a slot occurrence airs, in order (SPEC §2 `items`).
public struct ScheduledItem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case intro, message, outro }
    public var kind: Kind
    /// Message id for `.message`, nil for intro/outro.
    public var message: String?
    public var priority: Priority?
    /// Audio path relative to the plan's folder (or the rendered speech file for text messages).
    public var audio: String
    /// Seconds from the slot start.
    public var offset: Double
    public var duration: Double

    public init(kind: Kind, message: String? = nil, priority: Priority? = nil, audio: String, offset: Double,
                duration: Double) {
        self.kind = kind; self.message = message; self.priority = priority; self.audio = audio
        self.offset = offset; self.duration = duration
    }
}

/// One occurrence of a station's slot on a date (SPEC §2 one line of `schedule.jsonl`).
public struct SlotOccurrence: Sendable, Hashable {
    public var station: String
    public var date: CivilDate
    public var slot: String
    /// The absolute start instant (slot start time on `date` in the plan's zone).
    public var start: Date
    /// UTC offset at `start`, seconds east of UTC, for printing `…T06:00:00+07:00`.
    public var utcOffsetSeconds: Int
    public var lengthSeconds: Int
    public var items: [ScheduledItem]

    public init(station: String, date: CivilDate, slot: String, start: Date, utcOffsetSeconds: Int,
                lengthSeconds: Int, items: [ScheduledItem]) {
        self.station = station; self.date = date; self.slot = slot; self.start = start
        self.utcOffsetSeconds = utcOffsetSeconds; self.lengthSeconds = lengthSeconds; self.items = items
    }

    /// Seconds of the slot taken by its items.
    public var usedSeconds: Double { items.reduce(0) { $0 + $1.duration } }
    public var end: Date { start.addingTimeInterval(TimeInterval(lengthSeconds)) }
}

/// A (message, station, period) owed more than was scheduled (SPEC §2 `shortfalls.jsonl`).
public struct Shortfall: Sendable, Hashable {
    /// What was owed: the message, station, period, its dates inside the window and the airings required.
    public var owed: Obligation
    public var scheduled: Int
    public var reason: String
    /// A stable word for the cause: `no_usable_slot`, `max_per_day`, `window_shorter_than_period`, `too_few_slots`,
    /// `slots_full_higher_priority`, `slots_full`.
    public var code: String
    /// `reason` in Vietnamese.
    public var reasonVi: String

    public init(_ owed: Obligation, scheduled: Int, reason: String, code: String = "", reasonVi: String = "") {
        self.owed = owed; self.scheduled = scheduled; self.reason = reason; self.code = code
        self.reasonVi = reasonVi
    }

    public var message: String { owed.message }
    public var station: String { owed.station }
    /// `2026-06-01` (day), `2026-W23` (week), `2026-06` (month), `2026-Q2` (quarter), `window`.
    public var period: String { owed.period }
    public var from: CivilDate { owed.from }
    public var to: CivilDate { owed.to }
    public var required: Int { owed.required }
}
