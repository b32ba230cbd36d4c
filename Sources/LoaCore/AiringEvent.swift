import Foundation

/// What happened to an airing (SPEC §3). An airing is one `started` followed by exactly one ending event,
/// except `missed`, which stands alone (the airing never started).
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case started, finished, interrupted, preempted, failed, missed
    public var isEnding: Bool { self != .started }
}

public enum AiringSource: String, Sendable, Hashable, CaseIterable {
    /// `local`: a local announcement the station added itself (SPEC §7), counted apart from the plan's messages.
    /// `relay`: a relay of a radio stream or a line-in (SPEC §10), one airing per relay occurrence.
    case schedule, emergency, manual, local, relay
}

/// One row of the airing log (SPEC §3).
public struct AiringEvent: Sendable, Hashable {
    /// 1, 2, … assigned by the log on append.
    public var seq: Int64
    /// RFC 3339 with milliseconds and offset, e.g. `2026-06-01T06:00:00.012+07:00`.
    public var at: String
    public var kind: EventKind
    /// Shared by an airing's events.
    public var airing: String
    public var station: String
    public var plan: String
    /// Nil for intro/outro.
    public var message: String?
    /// The slot's scheduled start, RFC 3339; nil outside any slot (e.g. an emergency with nothing on air).
    public var slotStart: String?
    public var source: AiringSource
    public var audio: String?
    public var audioSHA256: String?
    public var plannedSeconds: Double?
    /// Set on ending events.
    public var playedSeconds: Double?
    /// The reason, in words.
    public var detail: String?
    public var prevHash: String
    public var hash: String
    /// Written by a rehearsal (`loa run --clock simulated`): not evidence of airing. Part of the row's hashed data,
    /// so no edit can turn a rehearsal into evidence (SPEC §6).
    public var rehearsal: Bool

    public init(seq: Int64 = 0, at: String, kind: EventKind, airing: String, station: String, plan: String,
                message: String? = nil, slotStart: String? = nil, source: AiringSource = .schedule,
                audio: String? = nil, audioSHA256: String? = nil, plannedSeconds: Double? = nil,
                playedSeconds: Double? = nil, detail: String? = nil, prevHash: String = "", hash: String = "",
                rehearsal: Bool = false) {
        self.seq = seq; self.at = at; self.kind = kind; self.airing = airing; self.station = station
        self.plan = plan; self.message = message; self.slotStart = slotStart; self.source = source
        self.audio = audio; self.audioSHA256 = audioSHA256; self.plannedSeconds = plannedSeconds
        self.playedSeconds = playedSeconds; self.detail = detail; self.prevHash = prevHash; self.hash = hash
        self.rehearsal = rehearsal
    }
}

extension EventKind: Codable {}
extension AiringSource: Codable {}

/// JSON with SPEC §3's column names (the hub's event lines, docs/reference/hub.md). Synthesized, so a new column is
/// one property and one case here.
extension AiringEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case seq, at, kind, airing, station, plan, message, slotStart = "slot_start", source, audio
        case audioSHA256 = "audio_sha256", plannedSeconds = "planned_s", playedSeconds = "played_s", detail
        case prevHash = "prev_hash", hash, rehearsal
    }

    /// `rehearsal` may be absent (a row from before it existed): then it is not one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(seq: try c.decode(Int64.self, forKey: .seq), at: try c.decode(String.self, forKey: .at),
                  kind: try c.decode(EventKind.self, forKey: .kind), airing: try c.decode(String.self, forKey: .airing),
                  station: try c.decode(String.self, forKey: .station), plan: try c.decode(String.self, forKey: .plan),
                  message: try c.decodeIfPresent(String.self, forKey: .message),
                  slotStart: try c.decodeIfPresent(String.self, forKey: .slotStart),
                  source: try c.decode(AiringSource.self, forKey: .source),
                  audio: try c.decodeIfPresent(String.self, forKey: .audio),
                  audioSHA256: try c.decodeIfPresent(String.self, forKey: .audioSHA256),
                  plannedSeconds: try c.decodeIfPresent(Double.self, forKey: .plannedSeconds),
                  playedSeconds: try c.decodeIfPresent(Double.self, forKey: .playedSeconds),
                  detail: try c.decodeIfPresent(String.self, forKey: .detail),
                  prevHash: try c.decode(String.self, forKey: .prevHash), hash: try c.decode(String.self, forKey: .hash),
                  rehearsal: try c.decodeIfPresent(Bool.self, forKey: .rehearsal) ?? false)
    }
}
