import ArgumentParser
import Foundation
import LoaCore
import LoaAudio
import LoaL10n
import LoaPlan
import LoaPlayout
import LoaStationWeb

/// `loa emergency (--audio FILE | --text T) --station ID`: hands a bulletin (*khẩn cấp*) to the station's running
/// daemon, which cuts what is on air and airs it at once.
public struct EmergencyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "emergency",
        abstract: "Air an emergency bulletin now on a running station daemon, cutting what is on air.")

    @Option(help: "The bulletin's audio file.") var audio: String?
    @Option(help: "The bulletin's text, read by text-to-speech.") var text: String?
    @Option(help: "Text-to-speech voice: vi, vi-vn-x-central or vi-vn-x-south.") var voice: String = "vi"
    @Option(help: "Text-to-speech speed in words per minute (80–450; default 175).") var speed: Int?
    @Option(name: .customLong("repeat"), help: "Read the text this many times (1–10), with a pause between.")
    var repeatCount: Int = 1
    @Option(help: "The station whose daemon airs it.") var station: String
    @Option(help: "A short title, kept in the log's detail.") var title: String?
    @Option(help: "The daemon's control socket (default: derived from the station id).") var socket: String?
    @Flag(help: "Replace an emergency bulletin already on air (otherwise refused).") var replace = false
    @Flag(help: "Air it after an emergency bulletin already on air (otherwise refused); answered at once.")
    var queue = false

    public init() {}

    public func validate() throws {
        if (audio == nil) == (text == nil) {
            throw ValidationError(tr("cần đúng một trong --audio hoặc --text", "give exactly one of --audio or --text"))
        }
        if let text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError(tr("--text rỗng", "--text is empty"))
        }
        if replace && queue {
            throw ValidationError(tr("chọn một trong --replace hoặc --queue", "give --replace or --queue, not both"))
        }
        if audio != nil, speed != nil || repeatCount != 1 {
            throw ValidationError(tr("--speed và --repeat chỉ dùng với --text", "--speed and --repeat go with --text only"))
        }
    }

    public func run() throws {
        let file: URL
        if let audio {
            file = URL(fileURLWithPath: audio).standardizedFileURL
            do { _ = try AudioProbe.info(of: file) } catch {
                throw failure("\(audio): \(error)")
            }
        } else {
            guard let renderer = EmergencyCommand.speechRenderer() else {
                throw failure(tr("chưa có chuyển văn bản thành giọng nói trong bản này: hãy dùng --audio",
                                 "text-to-speech is not available in this build: use --audio"))
            }
            do {
                file = try renderer.render(TextBulletin(text: text ?? "", voice: voice, speed: speed,
                                                        repeatCount: repeatCount), messageID: "emergency")
            } catch { throw failure(tr("không đọc được văn bản thành tiếng: \(error)", "text-to-speech failed: \(error)")) }
        }
        let reply: EmergencyReply
        do {
            // The daemon airs its own copy, so the log's detail keeps the name the operator gave.
            reply = try ControlClient.sendEmergency(audio: file, title: title ?? text ?? audio, replace: replace,
                                                    queue: queue, station: station, explicit: socket)
        } catch { throw failure("\(error)") }
        guard reply.ok else {
            throw failure(tr("bản tin khẩn cấp KHÔNG được phát: \(reply.error ?? "?")",
                             "the emergency bulletin did NOT air: \(reply.error ?? "?")"))
        }
        if reply.queued == true {
            let ahead = reply.ahead ?? 0
            print(tr("Bản tin khẩn cấp đã vào hàng đợi ở đài \(station): còn \(ahead) bản tin trước",
                     "Emergency bulletin queued at station \(station): \(ahead) ahead")
                  + (reply.airing.map { " [\($0)]" } ?? ""))
            return
        }
        var line = tr("Đang phát bản tin khẩn cấp trên đài \(station)", "Emergency bulletin on air at station \(station)")
        if let first = reply.firstSampleMilliseconds {
            let ms = localizedNumber(first)
            line += tr(", mẫu âm thanh đầu tiên phát sau \(ms) ms kể từ yêu cầu",
                       ", first sample on air \(ms) ms after the request")
        }
        if let cut = reply.cutMilliseconds {
            line += tr(" (đã ngắt chương trình sau \(Int(cut.rounded())) ms)", " (programme cut in \(Int(cut.rounded())) ms)")
        }
        print(line + (reply.airing.map { " [\($0)]" } ?? ""))
    }

    /// The text-to-speech hook (issue 7): the same renderer plan loading uses.
    static func speechRenderer() -> (any SpeechRenderer)? { defaultSpeechRenderer() }
}
