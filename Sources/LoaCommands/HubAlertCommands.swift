import ArgumentParser
import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaL10n
import LoaSync

/// `loa hub alert FILE.xml --hub URL --token-file F`: posts a CAP 1.2 alert as it is.
public struct HubAlertCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "alert", abstract: "Send a CAP 1.2 alert (an XML file) to the hub, which fans it out to its stations.")

    @Argument(help: "The CAP 1.2 document.") var file: String
    @Option(help: "The hub's URL, e.g. http://hub.example:8800.") var hub: String
    @Option(help: "A file holding an administrator's or an alerts token.") var tokenFile: String

    public init() {}

    public func run() async throws {
        let xml: Data
        do { xml = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw failure(tr("\(file): không đọc được (\(error.localizedDescription))", "\(file): cannot read it (\(error.localizedDescription))"))
        }
        try await AlertPoster.post(xml, hub: hub, tokenFile: tokenFile)
    }
}

/// `loa hub emergency (--audio F | --text T) --targets …`: the city's own emergency, written as CAP 1.2
/// (`EmergencyDraft`, as the officials' page does) and posted. `--cancel KEY` stops an earlier one.
public struct HubEmergencyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "emergency", abstract: "Send an emergency to the hub's stations (audio or text), or cancel one.")

    @Option(help: "The bulletin's audio file (sent inline with its SHA-1 digest).") var audio: String?
    @Option(help: "The bulletin's text, read by text-to-speech at each station.") var text: String?
    @Option(help: "Text-to-speech voice: vi or en.") var voice = "vi"
    @Option(parsing: .upToNextOption, help: "all, group:NAME or station ids (several, or comma-separated).")
    var targets: [String] = []
    @Option(help: "immediate (cut in) or expected (first in the next slot).") var urgency = "immediate"
    @Option(name: .customLong("repeat"), help: "Air again every ISO 8601 duration, e.g. PT1H (needs --until).")
    var repeatEvery: String?
    @Option(help: "Only between these hours of the plan's day, e.g. 07:00-20:00.") var hours: String?
    @Option(help: "When it expires, RFC 3339 (e.g. 2026-09-10T20:00:00+07:00).") var until: String?
    @Option(help: "A short title shown on the pages.") var headline: String?
    @Option(help: "Cancel the alert with this key (sender,identifier) instead.") var cancel: String?
    @Option(help: "CAP sender.") var sender = "loa-hub"
    @Option(help: "The hub's URL.") var hub: String
    @Option(help: "A file holding an administrator's or an alerts token.") var tokenFile: String

    public init() {}

    public func validate() throws {
        if cancel != nil {
            guard audio == nil, text == nil, targets.isEmpty else {
                throw ValidationError(tr("--cancel không đi cùng --audio, --text hay --targets",
                                         "--cancel goes without --audio, --text and --targets"))
            }
            return
        }
        if (audio == nil) == (text == nil) {
            throw ValidationError(tr("cần đúng một trong --audio hoặc --text", "give exactly one of --audio or --text"))
        }
        guard !targetList.isEmpty else { throw ValidationError(tr("cần --targets", "--targets is required")) }
        guard ["immediate", "expected"].contains(urgency) else {
            throw ValidationError(tr("--urgency phải là immediate hoặc expected", "--urgency must be immediate or expected"))
        }
        if let repeatEvery, ISODuration.seconds(repeatEvery) == nil {
            throw ValidationError(tr("--repeat phải là khoảng ISO 8601, ví dụ PT1H", "--repeat must be an ISO 8601 duration, e.g. PT1H"))
        }
        if let until, Timestamp.parse(until) == nil {
            throw ValidationError(tr("--until phải là thời điểm RFC 3339", "--until must be an RFC 3339 time"))
        }
    }

    var targetList: [String] { targets.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty } }

    public func run() async throws {
        var draft = EmergencyDraft(sender: sender, sent: Date())
        if let cancel {
            draft.cancels = [cancel]
        } else {
            if let audio {
                do {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: audio))
                    draft.content = .audio(bytes, mimeType: Self.mimeType(of: audio))
                } catch {
                    throw failure(tr("\(audio): không đọc được (\(error.localizedDescription))", "\(audio): cannot read it (\(error.localizedDescription))"))
                }
            } else if let text {
                draft.content = .text(text, voice: voice)
            }
            draft.targets = targetList
            draft.immediate = urgency == "immediate"
            draft.repeatSeconds = repeatEvery.flatMap(ISODuration.seconds)
            draft.hours = hours
            draft.expires = until.flatMap(Timestamp.parse)
            draft.headline = headline
        }
        try await AlertPoster.post(draft.capDocument(), hub: hub, tokenFile: tokenFile)
    }

    static func mimeType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "wav": "audio/wav"
        case "ogg", "oga", "opus": "audio/ogg"
        case "flac": "audio/flac"
        case "m4a", "aac": "audio/aac"
        default: "audio/mpeg"
        }
    }
}

/// Posts a CAP document to `POST /api/v1/alerts` and prints the hub's answer: key, seq and targets.
enum AlertPoster {
    static func post(_ xml: Data, hub: String, tokenFile: String) async throws {
        let status: Int, answer: AlertAnswer
        do {
            let client = HubClient(base: hub, token: try HubClient.token(fromFile: tokenFile))
            let (new, body) = try await client.postAlert(xml)
            status = new ? 201 : 200
            answer = try StationAlert.decoder.decode(AlertAnswer.self, from: body)
        } catch let error as SyncError {
            throw failure(error.description)
        } catch {
            throw failure(tr("câu trả lời của hub \(hub) không đọc được (\(error))", "cannot read the answer of hub \(hub) (\(error))"))
        }
        let stations = answer.targets.joined(separator: ", ")
        let count = answer.targets.count
        if status == 201 {
            print(answer.action == "cancel"
                  ? tr("Hub đã nhận lệnh huỷ \(answer.stops.joined(separator: " ")): khoá \(answer.key), seq \(answer.seq), \(count) đài: \(stations)",
                       "The hub took the cancel of \(answer.stops.joined(separator: " ")): key \(answer.key), seq \(answer.seq), \(count) station(s): \(stations)")
                  : tr("Hub đã nhận bản tin: khoá \(answer.key), seq \(answer.seq), \(count) đài: \(stations)",
                       "The hub took the alert: key \(answer.key), seq \(answer.seq), \(count) station(s): \(stations)"))
        } else {
            print(tr("Hub đã có bản tin này (không gửi lại): khoá \(answer.key), seq \(answer.seq), \(count) đài: \(stations)",
                     "The hub already holds this alert (nothing sent again): key \(answer.key), seq \(answer.seq), \(count) station(s): \(stations)"))
        }
    }
}
