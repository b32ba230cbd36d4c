import LoaCore
import Foundation
import LoaPlan
import LoaSchedule

/// The engine's decisions, free of clocks, devices and logs: given the station's slot occurrences, what is already
/// in the log and the time now, what happens next. Everything here is a pure function of its inputs.
public struct Timeline: Sendable {
    /// The station's slot occurrences, in start order.
    public let slots: [SlotOccurrence]
    public let timeZone: TimeZone

    public init(slots: [SlotOccurrence], timeZone: TimeZone) {
        self.slots = slots.sorted { ($0.start, $0.slot) < ($1.start, $1.slot) }
        self.timeZone = timeZone
    }

    public enum CapCause: Sendable, Hashable {
        /// The slot ends: nothing runs past it.
        case slotEnd
        /// A slot with an emergency message starts here and pre-empts this one.
        case preempt(slotIndex: Int)
    }

    /// One item placed in time.
    public struct Entry: Sendable, Hashable {
        public var slotIndex: Int
        public var itemIndex: Int
        public var airing: String
        public var plannedStart: Date
        public var duration: Double
        /// Longest it may play (seconds), and why.
        public var cap: Double
        public var capCause: CapCause
    }

    /// Items of one slot that play back to back as one stream, the first at `startAt`.
    public struct Run: Sendable, Hashable {
        public var slotIndex: Int
        public var entries: [Entry]
        public var startAt: Date { entries[0].plannedStart }
        /// Set when a later emergency slot cuts this run short; the cut slot resumes afterwards.
        public var preemptedBy: Int?
    }

    public enum MissCause: Sendable, Hashable {
        /// Its start time passed without it airing (daemon down, device gone, clock stepped forward).
        case passed
        /// Re-timed after an interruption, it no longer fits before the slot ends.
        case noRoom
    }

    public enum Step: Sendable, Hashable {
        /// Log these as `missed` now.
        case miss([Entry], MissCause)
        /// Start this run (its start is at most `lead` seconds away).
        case play(Run)
        /// Nothing to do before this instant.
        case wait(until: Date)
    }

    /// What to do at `now`. `handled` holds airing ids already in the log; `retime` holds keys of slots that were
    /// held up by something the daemon itself aired (an emergency, an overlapping slot): their remaining items
    /// play back to back from now, each only if it still ends before the slot does, instead of being missed for
    /// being late. Only slots meeting [lower, upper) count.
    ///
    /// `reair` maps the airing id of an item cut short by a crash to the id it airs again under (`…/resumed`): such an
    /// item is pending again, once, with its new id (an airing id has one `started` and one ending).
    public func next(now: Date, handled: Set<String>, retime: Set<String>, lower: Date, upper: Date,
                     lead: TimeInterval = 0.5, tolerance: TimeInterval = 2, reair: [String: String] = [:]) -> Step {
        var best: (at: Date, run: Run)?
        for (index, slot) in slots.enumerated() where slot.end > lower && slot.start < upper {
            let pending = pendingItems(index, handled: handled, reair: reair)
            func entry(_ slotIndex: Int, _ item: Int, at start: Date) -> Entry {
                self.entry(slotIndex, item, at: start, handled: handled, reair: reair)
            }
            if pending.isEmpty { continue }
            var entries: [Entry] = []
            if slot.isRelay {
                // Live: joined late (a restart, after an emergency) it airs what is left of it; only a relay already
                // over is missed.
                let at = max(now, slot.start)
                var e = entry(index, 0, at: at)
                e.duration = max(0, slot.end.timeIntervalSince(at))
                if e.duration < 1 { return .miss([e], .passed) }
                entries = [e]
            } else if retime.contains(slot.key) {
                var cursor = max(now, slot.start)
                var noRoom: [Entry] = []
                for i in pending {
                    let d = slot.items[i].duration
                    let e = entry(index, i, at: cursor)
                    if cursor.addingTimeInterval(d) <= slot.end.addingTimeInterval(0.001) {
                        entries.append(e); cursor = cursor.addingTimeInterval(d)
                    } else {
                        noRoom.append(e)
                    }
                }
                if !noRoom.isEmpty { return .miss(noRoom, .noRoom) }
            } else {
                let passed = pending.filter { scheduledStart(slot, $0) < now.addingTimeInterval(-tolerance) }
                if !passed.isEmpty { return .miss(passed.map { entry(index, $0, at: scheduledStart(slot, $0)) }, .passed) }
                var cursor = scheduledStart(slot, pending[0])
                for i in pending {
                    entries.append(entry(index, i, at: cursor))
                    cursor = cursor.addingTimeInterval(slot.items[i].duration)
                }
            }
            let run = preempting(Run(slotIndex: index, entries: entries), handled: handled, upper: upper)
            // On a tie an emergency goes first: a cut slot resuming must not win over the slot that cut it.
            if let b = best, run.startAt > b.at || (run.startAt == b.at && !(urgent(run) && !urgent(b.run))) {
                continue
            }
            best = (run.startAt, run)
        }
        guard let best else { return .wait(until: upper) }
        return best.at.addingTimeInterval(-lead) <= now ? .play(best.run) : .wait(until: best.at.addingTimeInterval(-lead))
    }

    func urgent(_ run: Run) -> Bool {
        run.entries.contains { slots[$0.slotIndex].items[$0.itemIndex].priority == .emergency }
    }

    /// Slots whose start falls in (from, to]: those that began while the daemon was busy airing something else.
    public func slotsStarting(after from: Date, through to: Date) -> [SlotOccurrence] {
        slots.filter { $0.start > from && $0.start <= to }
    }

    public func pendingItems(_ slotIndex: Int, handled: Set<String>, reair: [String: String] = [:]) -> [Int] {
        slots[slotIndex].items.indices.filter { airing(slotIndex, $0, handled: handled, reair: reair) != nil }
    }

    /// The id an item airs under next: its own, or its re-air id after a crash cut it; nil when neither is pending.
    func airing(_ slotIndex: Int, _ item: Int, handled: Set<String>, reair: [String: String]) -> String? {
        let id = slots[slotIndex].airingID(of: slots[slotIndex].items[item])
        if !handled.contains(id) { return id }
        if let again = reair[id], !handled.contains(again) { return again }
        return nil
    }

    func scheduledStart(_ slot: SlotOccurrence, _ item: Int) -> Date {
        slot.start.addingTimeInterval(slot.items[item].offset)
    }

    private func entry(_ slotIndex: Int, _ item: Int, at start: Date, handled: Set<String> = [],
                       reair: [String: String] = [:]) -> Entry {
        let slot = slots[slotIndex]
        let id = airing(slotIndex, item, handled: handled, reair: reair)
            ?? slot.airingID(of: slot.items[item])
        return Entry(slotIndex: slotIndex, itemIndex: item, airing: id,
                     plannedStart: start, duration: slot.items[item].duration,
                     cap: max(0, slot.end.timeIntervalSince(start)), capCause: .slotEnd)
    }

    /// Cuts a run where a later slot carrying an emergency message begins: items from there on wait, and the item
    /// on air at that instant is capped so the emergency starts on time.
    private func preempting(_ run: Run, handled: Set<String>, upper: Date) -> Run {
        guard let last = run.entries.last else { return run }
        let end = last.plannedStart.addingTimeInterval(last.duration)
        let start = run.startAt
        let cutter = slots.indices.first { j in
            j != run.slotIndex && slots[j].start > start && slots[j].start < end && slots[j].start < upper
                && pendingItems(j, handled: handled).contains { slots[j].items[$0].priority == .emergency }
        }
        guard let cutter else { return run }
        let cut = slots[cutter].start
        var out = run
        out.entries = run.entries.filter { $0.plannedStart < cut }.map { e in
            var e = e
            let room = cut.timeIntervalSince(e.plannedStart)
            if room < e.duration && room < e.cap { e.cap = room; e.capCause = .preempt(slotIndex: cutter) }
            return e
        }
        out.preemptedBy = cutter
        return out
    }
}
