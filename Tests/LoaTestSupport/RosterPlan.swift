/// A plan with stations and groups only (no messages, no audio): what the hub maps alerts against, for the alert
/// tests and the fan-out bench. `stations` are (id, groups) pairs.
public enum RosterPlan {
    public static func yaml(id: String = "alert-fleet", stations: [(id: String, groups: [String])]) -> String {
        var text = """
        plan:
          id: \(id)
          title: "Alert fleet"
          timezone: Asia/Ho_Chi_Minh
          period: {from: 2026-01-01, to: 2027-12-31}
        slot_templates:
          daily:
            - {name: morning, days: [t2-cn], start: "06:00", length: 15m}
        stations:

        """
        for s in stations {
            text += "  - {id: \(s.id), groups: [\(s.groups.joined(separator: ", "))], slots: daily}\n"
        }
        return text
    }
}
