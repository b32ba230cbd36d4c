/// The fleet's alerts as a station's status shows them (`GET /api/v1/status` → `alerts`, issue 17): the one on air
/// and those still to air, with the next instant of each.
extension StationStatus {
    public struct Alerts: Sendable, Hashable, Codable {
        public struct OnAir: Sendable, Hashable, Codable {
            public var identifier: String
            public var headline: String?
            public var airing: String
            /// `cut_in` or `next_slot`.
            public var mode: String
            public init(identifier: String, headline: String?, airing: String, mode: String) {
                self.identifier = identifier; self.headline = headline; self.airing = airing; self.mode = mode
            }
        }
        public struct Upcoming: Sendable, Hashable, Codable {
            public var identifier: String
            public var headline: String?
            public var mode: String
            /// The next instant it is due (RFC 3339, plan zone); a next-slot alert airs first in the slot after it.
            public var next: String?
            public var expires: String?
            public init(identifier: String, headline: String?, mode: String, next: String?, expires: String?) {
                self.identifier = identifier; self.headline = headline; self.mode = mode; self.next = next
                self.expires = expires
            }
        }
        public var onAir: OnAir?
        public var upcoming: [Upcoming] = []
        public init() {}
        enum CodingKeys: String, CodingKey { case onAir = "on_air", upcoming }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(onAir, forKey: .onAir)   // `null` when none is on air
            try c.encode(upcoming, forKey: .upcoming)
        }
    }
}
