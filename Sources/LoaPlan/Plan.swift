import LoaCore
import Foundation

/// A communication plan (*kế hoạch tuyên truyền*) as loaded from YAML (docs/reference/plan-file.md), after includes
/// and templates are resolved: what each station must air, how often, until when.
///
/// `PlanLoader.load(file:)` makes one with every problem as a positioned `Diagnostic`; `resolvingMedia(probe:)` then
/// locates, measures and hashes every audio file once (they need decoding, which lives outside this module).
///
/// ```swift
/// let result = PlanLoader.load(file: URL(fileURLWithPath: "playlists/hanoi-2026.yaml"))
/// let plan = result.plan!                 // nil when the file has errors
/// plan.station("ba-dinh")?.slots.count    // 2: morning and evening
/// ```
public struct Plan: Sendable {
    public var id: String
    public var title: String
    public var timezone: TimeZone
    public var period: DateRange
    public var reports: [CivilDate]
    public var topics: [Topic]
    public var stations: [Station]
    public var messages: [Message]
    /// Who issues the plan's reports (`plan: report:`), for the report's heading and signature block.
    public var issuer: ReportIssuer?
    /// The plan file and its folder; audio paths are relative to the folder.
    public var file: URL
    public var baseDirectory: URL { file.deletingLastPathComponent() }

    public init(id: String, title: String, timezone: TimeZone, period: DateRange, reports: [CivilDate] = [],
                topics: [Topic] = [], stations: [Station], messages: [Message], file: URL) {
        self.id = id; self.title = title; self.timezone = timezone; self.period = period; self.reports = reports
        self.topics = topics; self.stations = stations; self.messages = messages; self.file = file
    }

    public func station(_ id: String) -> Station? { stations.first { $0.id == id } }
    public func message(_ id: String) -> Message? { messages.first { $0.id == id } }

    /// Stations a message targets, in plan order.
    public func targetedStations(of message: Message) -> [Station] {
        stations.filter { station in message.targets.contains { $0.matches(station) } }
    }
}

/// A numbered topic group of the plan (`1.12` "Khắc phục 05 điểm nghẽn của Thành phố"); reports roll up by it.
public struct Topic: Sendable, Hashable {
    public var id: String
    public var title: String
    public init(id: String, title: String) { self.id = id; self.title = title }
}

/// One recurring broadcast slot of a station: on `days`, from `start`, for `lengthSeconds`.
public struct SlotSpec: Sendable, Hashable {
    public var name: String
    public var days: WeekdaySet
    public var start: TimeOfDay
    public var lengthSeconds: Int
    public var location: SourceLocation?
    public init(name: String, days: WeekdaySet, start: TimeOfDay, lengthSeconds: Int, location: SourceLocation? = nil) {
        self.name = name; self.days = days; self.start = start; self.lengthSeconds = lengthSeconds
        self.location = location
    }
    public var endMinutes: Double { Double(start.minutes) + Double(lengthSeconds) / 60 }
}

/// A commune or ward loudspeaker station (*đài truyền thanh cơ sở*): its broadcast slots, the days it is closed,
/// the groups targets name it by, and the intro and outro that frame every slot.
///
/// ```yaml
/// - {id: ba-dinh, name: "Phường Ba Đình", groups: [inner], slots: ward-weekday, intro: audio/ident-ba-dinh.wav}
/// ```
public struct Station: Sendable, Hashable {
    public var id: String
    public var name: String
    public var groups: [String]
    public var slots: [SlotSpec]
    /// Relays of radio streams or line-in (`relays:`, SPEC §10); never overlapping a slot or each other.
    public var relays: [RelaySpec] = []
    /// Audio that fills a relay's outage (`fallback:`), looped; nil: the intro, else the outro, else silence.
    public var fallback: Media?
    /// ALSA PCM device for `loa run`.
    public var output: String?
    public var intro: Media?
    public var outro: Media?
    public var closed: Set<CivilDate>
    /// People and households the station's speakers reach (`population:`, `households:`), for "people reached".
    public var population: Int?
    public var households: Int?
    public var location: SourceLocation?

    public init(id: String, name: String, groups: [String] = [], slots: [SlotSpec], output: String? = nil,
                intro: Media? = nil, outro: Media? = nil, closed: Set<CivilDate> = [],
                location: SourceLocation? = nil) {
        self.id = id; self.name = name; self.groups = groups; self.slots = slots; self.output = output
        self.intro = intro; self.outro = outro; self.closed = closed; self.location = location
    }

    /// Slots that occur on `date` (open day and matching weekday), in start order.
    public func slots(on date: CivilDate) -> [SlotSpec] {
        guard !closed.contains(date) else { return [] }
        let weekday = date.weekday
        return slots.filter { $0.days.contains(weekday) }.sorted { $0.start < $1.start }
    }
}

/// `plan: report: {unit, number, place, signer, signer_title}`: the issuing unit as printed on a report.
public struct ReportIssuer: Sendable, Hashable {
    public var unit: String?
    public var number: String?
    public var place: String?
    public var signer: String?
    public var signerTitle: String?
    public init(unit: String? = nil, number: String? = nil, place: String? = nil, signer: String? = nil,
                signerTitle: String? = nil) {
        self.unit = unit; self.number = number; self.place = place; self.signer = signer; self.signerTitle = signerTitle
    }
}

/// The period a quota counts over: a day, an ISO week, a calendar month or quarter, or the message's whole window.
public enum QuotaPeriod: String, Sendable, Hashable, CaseIterable {
    case day, week, month, quarter, window
}

/// How often a message must air at each targeted station: `count` airings per `per`
/// (`airings: {count: 3, per: week}`). A period cut by the message's window owes its share, rounded up
/// (docs/reference/plan-file.md, "Quota").
public struct Quota: Sendable, Hashable {
    public var count: Int
    public var per: QuotaPeriod
    public init(count: Int, per: QuotaPeriod) { self.count = count; self.per = per }
}

/// Who must air a message: every station (`all`), one station by id, or every station of a group
/// (`group:riverside`).
///
/// ```swift
/// Target.group("inner").matches(baDinh)   // true when ba-dinh lists `inner` in its groups
/// ```
public enum Target: Sendable, Hashable, CustomStringConvertible {
    case all
    case station(String)
    case group(String)

    public func matches(_ station: Station) -> Bool {
        switch self {
        case .all: return true
        case .station(let id): return station.id == id
        case .group(let name): return station.groups.contains(name)
        }
    }
    public var description: String {
        switch self { case .all: "all"; case .station(let id): id; case .group(let g): "group:\(g)" }
    }
}

/// Text to be spoken by text-to-speech (espeak-ng voices `vi`, `vi-vn-x-central`, `vi-vn-x-south`).
public struct TextBulletin: Sendable, Hashable {
    public var text: String
    public var voice: String
    /// Words per minute; nil = the engine's default.
    public var speed: Int?
    /// How many times the text is read, with `pauseSeconds` of silence between readings.
    public var repeatCount: Int
    public var pauseSeconds: Double
    public init(text: String, voice: String = "vi", speed: Int? = nil, repeatCount: Int = 1, pauseSeconds: Double = 2) {
        self.text = text; self.voice = voice; self.speed = speed; self.repeatCount = repeatCount
        self.pauseSeconds = pauseSeconds
    }
}

/// What a message airs: an audio file of the plan's folder, or text read by text-to-speech.
public enum MessageContent: Sendable, Hashable {
    case audio(String)
    case text(TextBulletin)
}

/// One thing the plan wants aired (*tin, bài*): its audio or text, priority, window, quota, targets and the slots it
/// may use.
///
/// ```yaml
/// - {id: flooding-2026, topic: "1.12", audio: audio/flooding.flac, from: 2026-06-01, to: 2026-09-30,
///    priority: priority, airings: {count: 3, per: week}, targets: [group:riverside, hoan-kiem], slots: [morning]}
/// ```
public struct Message: Sendable, Hashable {
    public var id: String
    public var title: String
    public var topic: String?
    public var content: MessageContent
    public var priority: Priority
    /// The message's window: `from`/`to`, defaulting to the plan period.
    public var window: DateRange
    public var quota: Quota
    public var targets: [Target]
    /// Slot names the message may use; nil = any slot.
    public var slotNames: [String]?
    public var maxPerDay: Int
    /// What airs: the audio file (or the rendered speech) with its duration once resolved.
    public var media: Media?
    public var location: SourceLocation?
    /// Where the message's `audio:` or `text:` value is written, for diagnostics about what it airs.
    public var contentLocation: SourceLocation? = nil
    /// A station's own announcement from `local.yaml` (logged `source: local`), not the plan's.
    public var isLocal = false

    public init(id: String, title: String, topic: String? = nil, content: MessageContent,
                priority: Priority = .normal, window: DateRange, quota: Quota, targets: [Target] = [.all],
                slotNames: [String]? = nil, maxPerDay: Int = 1, media: Media? = nil,
                location: SourceLocation? = nil) {
        self.id = id; self.title = title; self.topic = topic; self.content = content; self.priority = priority
        self.window = window; self.quota = quota; self.targets = targets; self.slotNames = slotNames
        self.maxPerDay = maxPerDay; self.media = media; self.location = location
    }

    /// Duration in seconds of what airs (0 until media is resolved).
    public var duration: Double { media?.duration ?? 0 }

    public func mayUse(_ slot: SlotSpec) -> Bool { slotNames.map { $0.contains(slot.name) } ?? true }
}
