import ArgumentParser
import Foundation
import LoaAudio
import LoaL10n

/// `loa audio …`: audio tools for operators.
public struct AudioCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Audio tools: analyze files.",
        subcommands: [AnalyzeCommand.self])

    public init() {}

    /// `loa audio analyze FILE… [--json]`: duration, rate, channels, integrated loudness and true peak.
    public struct AnalyzeCommand: ParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Duration, rate, channels, integrated loudness (LUFS) and true peak (dBTP) of audio files.")

        @Argument(help: "Audio files.") var files: [String]
        @Flag(help: "JSON instead of a table.") var json = false

        public init() {}

        public func run() throws {
            let cache = MediaInfoCache()
            var rows: [(String, Result<AudioAnalysis, AudioError>)] = []
            for file in files {
                do throws(AudioError) {
                    rows.append((file, .success(try cache.analysis(of: URL(fileURLWithPath: file)))))
                } catch {
                    rows.append((file, .failure(error)))
                }
            }
            cache.save()
            if json { print(Self.json(rows)) } else { Self.printTable(rows) }
            if rows.contains(where: { if case .failure = $0.1 { true } else { false } }) { throw ExitCode(1) }
        }

        static func db(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "-inf" }

        static func printTable(_ rows: [(String, Result<AudioAnalysis, AudioError>)]) {
            var table = [[tr("tệp", "file"), tr("thời lượng", "duration"), "Hz", tr("kênh", "ch"), "LUFS", "dBTP"]]
            for (file, r) in rows {
                guard case .success(let a) = r else { continue }
                table.append([file, AudioCommandSupport.clock(a.info.duration), "\(a.info.sampleRate)",
                              "\(a.info.channels)", db(a.loudness.integratedLUFS), db(a.loudness.truePeakDBTP)])
            }
            if table.count > 1 { CheckCommand.table(table).forEach { print($0) } }
            for (file, r) in rows {
                if case .success(let a) = r, let note = limitingNote(a) { print("\(file): \(note.text())") }
            }
            for (_, r) in rows {
                if case .failure(let e) = r { AudioCommandSupport.err(tr("lỗi: ", "error: ") + e.description) }
            }
        }

        /// Said of a file whose true peak keeps it under the station's target: its peaks will be limited to air at
        /// the target (or, past the limiter's most, how far under it airs).
        static func limitingNote(_ a: AudioAnalysis, target: LoudnessTarget = .default) -> Localized? {
            let plan = target.limitedGain(for: a.loudness)
            guard plan.limitDB > 0 else { return nil }
            let limit = String(format: "%.1f", plan.limitDB), lufs = String(format: "%.0f", target.targetLUFS)
            let short = target.targetLUFS - (a.loudness.integratedLUFS + plan.gainDB)
            if short > 0.05 {
                let under = String(format: "%.1f", short)
                return Localized(vi: "đỉnh quá cao: sẽ bị giới hạn \(limit) dB và vẫn phát thấp hơn \(lufs) LUFS \(under) dB",
                                 en: "too peaky: peaks will be limited by \(limit) dB and it still airs \(under) dB under \(lufs) LUFS")
            }
            return Localized(vi: "đỉnh quá cao so với \(lufs) LUFS: đỉnh sẽ được giới hạn \(limit) dB (giới hạn đỉnh thực)",
                             en: "peaks above the ceiling at \(lufs) LUFS: they will be limited by \(limit) dB (true-peak limiter)")
        }

        static func json(_ rows: [(String, Result<AudioAnalysis, AudioError>)]) -> String {
            let objects: [[String: Any]] = rows.map { file, r in
                switch r {
                case .success(let a):
                    return ["file": file, "sha256": a.sha256, "format": a.info.format,
                            "duration": a.info.duration, "frames": a.info.frames, "sampleRate": a.info.sampleRate,
                            "channels": a.info.channels,
                            "integratedLUFS": a.loudness.integratedLUFS.isFinite ? a.loudness.integratedLUFS : NSNull(),
                            "truePeakDBTP": a.loudness.truePeakDBTP.isFinite ? a.loudness.truePeakDBTP : NSNull(),
                            "limitingDB": LoudnessTarget.default.limitedGain(for: a.loudness).limitDB]
                case .failure(let e):
                    return ["file": file, "error": e.kind.rawValue, "message": e.description, "code": e.code]
                }
            }
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        }
    }
}
