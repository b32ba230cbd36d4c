import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaLog

/// `loa log show|verify DB`: read an airing log and check its hash chain.
public struct LogCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show or verify an airing log (nhật ký phát sóng).",
        subcommands: [Show.self, Verify.self]
    )
    public init() {}

    public struct Show: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Print the log's events as a table (xem nhật ký).")
        @Argument(help: "The airing log (SQLite file).") var db: String
        @Option(help: "Only this station id.") var station: String?
        @Option(help: "Only this message id.") var message: String?
        @Option(help: "Only this day, YYYY-MM-DD (the station's local date).") var day: String?
        @Option(help: "Only these kinds: started, finished, interrupted, preempted, failed, missed (comma-separated).")
        var kind: String?
        public init() {}

        public func validate() throws {
            if let day, day.count != 10 || day.split(separator: "-").count != 3 {
                throw ValidationError(tr("--day phải có dạng YYYY-MM-DD: \(day)", "--day must be YYYY-MM-DD: \(day)"))
            }
            if let kind {
                for name in kind.split(separator: ",") where EventKind(rawValue: String(name)) == nil {
                    throw ValidationError(tr("loại sự kiện không hợp lệ: \(name)", "unknown event kind: \(name)"))
                }
            }
        }

        public func run() throws {
            let kinds = kind.map { Set($0.split(separator: ",").compactMap { EventKind(rawValue: String($0)) }) }
            let filter = LogFilter(station: station, message: message, day: day, kinds: kinds)
            let rows: [[String]]
            do {
                let log = try AiringLog(path: db, readOnly: true)
                rows = try log.events(filter).map { e in
                    [String(e.seq), e.at, e.kind.rawValue, e.station, e.message ?? "—", e.airing,
                     e.playedSeconds.map(Seconds.threeDecimals) ?? "", e.detail ?? ""]
                }
            } catch {
                LogReportIO.stderr("\(error)")
                throw ExitCode(1)
            }
            let header = [tr("seq", "seq"), tr("thời điểm", "at"), tr("loại", "kind"), tr("đài", "station"),
                          tr("tin", "message"), tr("lượt phát", "airing"), tr("đã phát (s)", "played (s)"),
                          tr("ghi chú", "detail")]
            print(LogReportIO.table(header: header, rows: rows, rightAligned: [0, 6]), terminator: "")
            print(tr("\(rows.count) sự kiện", "\(rows.count) events"))
        }
    }

    public struct Verify: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; exit 1 naming the first row that does not match (kiểm tra).")
        @Argument(help: "The airing log (SQLite file).") var db: String
        public init() {}

        public func run() throws {
            let check: ChainCheck
            do {
                check = try AiringLog(path: db, readOnly: true).verify()
            } catch {
                LogReportIO.stderr("\(error)")
                throw ExitCode(1)
            }
            if check.isOK {
                print("\(db): \(check.message.text())")
            } else {
                LogReportIO.stderr("\(db): \(check.message.text())")
                throw ExitCode(1)
            }
        }
    }
}

/// Output helpers of the `log` and `report` commands (a namespace so they cannot clash with other commands' names).
enum LogReportIO {
    static func stderr(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A plain text table, columns padded to their widest cell (counted in characters, so Vietnamese lines up).
    static func table(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad)
            }.joined(separator: "  ") + "\n"
        }
        var out = line(header)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        return out
    }
}
