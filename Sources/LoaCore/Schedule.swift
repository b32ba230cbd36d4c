import Foundation

/// What a slot occurrence airs, in order: one line item of `schedule.jsonl` (docs/reference/schedule-file.md).
public struct ScheduledItem: Sendable, Hashable {
    /// `relay`: a live source aired for the whole occurrence (SPEC §10); its media's `path` is the source
    /// (`http://…`, `alsa:PCM`), it has no file, and its `duration` is the relay's length.
    public enum Kind: String, Sendable, Hashable { case intro, message, outro, relay }
    public var kind: Kind
    /// Message id for `.message`, nil for intro/outro.
    public var message: String?
    public var priority: Priority?
    /// The audio it airs, as resolved when the plan loaded.
    public var media: Media
    /// Seconds from the slot start.
    public var offset: Double
    public var duration: Double

    public init(kind: Kind, message: String? = nil, priority: Priority? = nil, media: Media, offset: Double,
                duration: Double) {
        self.kind = kind; self.message = message; self.priority = priority; self.media = media
        self.offset = offset; self.duration = duration
    }

    /// The audio path as the schedule file writes it (plan-relative).
    public var audio: String { media.path }
}

/// One occurrence of a station's slot on a date: one line of `schedule.jsonl`.
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

    /// A relay's occurrence: one `relay` item filling it (`slot` is the relay's name).
    public var isRelay: Bool { items.count == 1 && items[0].kind == .relay }

    /// Seconds of the slot taken by its items.
    public var usedSeconds: Double { items.reduce(0) { $0 + $1.duration } }
    public var end: Date { start.addingTimeInterval(TimeInterval(lengthSeconds)) }

    /// The occurrence's identity, `STATION@START/SLOT`: the stem of every airing id in it.
    public var key: String {
        "\(station)@\(Timestamp.format(start, utcOffsetSeconds: utcOffsetSeconds, milliseconds: true))/\(slot)"
    }

    /// The airing id of an item of this slot. Deterministic, so a restart, a stepped clock or a reloaded plan finds
    /// the item already in the log and never airs it twice; a message airs at most once per slot, so its id names
    /// the item without depending on its position.
    public func airingID(of item: ScheduledItem) -> String {
        "\(key)/" + (item.kind == .message ? "message:\(item.message ?? "?")" : item.kind.rawValue)
    }
}
