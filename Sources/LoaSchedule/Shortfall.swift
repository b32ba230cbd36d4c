import LoaCore
import Foundation
import LoaPlan

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
