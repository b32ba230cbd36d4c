import LoaCore
import ArgumentParser
import Foundation
import LoaL10n
import LoaLog

/// `loa log show|verify|key`: read an airing log, check its hash chain and signed checkpoints, print the box's key.
public struct LogCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show or verify an airing log (nhật ký phát sóng); print the station key.",
        subcommands: [Show.self, Verify.self, Key.self]
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
                    [String(e.seq) + (e.rehearsal ? "R" : ""), e.at, e.kind.localized.text(), e.station, e.message ?? "—",
                     e.airing, e.playedSeconds.map { localizedNumber($0, decimals: 3) } ?? "", e.detail ?? ""]
                }
            } catch {
                LogReportIO.stderr("\(error)")
                throw ExitCode(1)
            }
            let header = [tr("seq", "seq"), tr("thời điểm", "at"), tr("loại", "kind"), tr("đài", "station"),
                          tr("tin", "message"), tr("lượt phát", "airing"), tr("đã phát (s)", "played (s)"),
                          tr("ghi chú", "detail")]
            print(LogReportIO.table(header: header, rows: rows, rightAligned: [0, 6]), terminator: "")
            let count = localizedNumber(Double(rows.count))
            print(tr("\(count) sự kiện", "\(count) events"))
            if rows.contains(where: { $0[0].hasSuffix("R") }) {
                print(tr("R: diễn tập (--clock simulated), không phải bằng chứng đã phát",
                         "R: rehearsal (--clock simulated), not evidence of airing"))
            }
        }
    }

    public struct Verify: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every signed checkpoint; exit 1 naming what does not match "
                + "(kiểm tra).")
        @Argument(help: "The airing log (SQLite file).") var db: String
        @Option(help: ArgumentHelp("Checkpoints kept off the box (JSON array or JSON lines): names rows cut off the "
                                   + "end or a chain rewritten after an anchored checkpoint."))
        var anchor: String?
        @Option(help: "The station's public key (base64, from `loa log key`): every checkpoint must be signed by it.")
        var key: String?
        public init() {}

        public func run() throws {
            let check: ChainCheck
            var findings: [CheckpointFinding] = []
            var own: [Checkpoint] = []
            var anchors: [Checkpoint] = []
            // Said first: a -wal left unread can hold the schema itself, and then the open below fails.
            if let wal = WalBeside.of(log: db) {
                if wal.foldedIn {
                    print(tr("\(db): đã đọc cả \(wal.path) (\(wal.bytes) byte) nằm cạnh; hãy chép hai tệp cùng nhau",
                             "\(db): \(wal.path) beside it (\(wal.bytes) bytes, \(wal.foldedFrames) "
                             + "frames) was read too: copy the two together"))
                } else {
                    LogReportIO.stderr(tr("\(db): \(wal.path) nằm cạnh (\(wal.bytes) byte) KHÔNG được gộp vào (tệp -wal hỏng "
                                          + "hoặc chép dở): các dòng trong đó không được kiểm tra",
                                          "\(db): \(wal.path) beside it (\(wal.bytes) bytes) was NOT folded in (the -wal is "
                                          + "damaged or half copied): rows it holds are not in this check"))
                }
            }
            var breaks: [LogBreak] = []
            do {
                let log = try AiringLog(path: db, readOnly: true)
                check = try log.verify()
                breaks = try log.breaks()
                own = try log.checkpoints()
                findings = try log.check(checkpoints: own, key: key)
                if let anchor {
                    let data: Data
                    do { data = try Data(contentsOf: URL(fileURLWithPath: anchor)) } catch {
                        throw CheckpointListError(file: anchor, line: nil)
                    }
                    anchors = try Checkpoint.decodeList(data, file: anchor)
                    findings += try log.check(checkpoints: anchors, key: key)
                }
            } catch {
                LogReportIO.stderr("\(error)")
                throw ExitCode(1)
            }
            for b in breaks {
                print(tr("\(db): bị xoá hoặc chuyển đi khi trình phát đang chạy, lúc \(b.at); đã ghi lại từ bản đang mở "
                         + "(các dòng 1…\(b.lastSeq), hash cuối \(b.lastHash))",
                         "\(db): deleted or moved away under the running daemon at \(b.at) and written back from its "
                         + "open copy (rows 1…\(b.lastSeq), last hash \(b.lastHash))"))
            }
            if check.isOK {
                print("\(db): \(check.message.text())")
            } else {
                LogReportIO.stderr("\(db): \(check.message.text())")
            }
            for f in findings { LogReportIO.stderr("\(db): \(f.message.text())") }
            if findings.isEmpty {
                let keys = Set(own.map(\.publicKey)).count
                print(tr("\(db): \(own.count) điểm kiểm tra có chữ ký hợp lệ (\(keys) khoá)",
                         "\(db): \(own.count) checkpoints, every signature verifies (\(keys) key(s))"))
                if let anchor {
                    print(tr("\(db): khớp với \(anchors.count) điểm kiểm tra trong \(anchor)",
                             "\(db): agrees with the \(anchors.count) checkpoints in \(anchor)"))
                }
            }
            if !check.isOK || !findings.isEmpty { throw ExitCode(1) }
        }
    }

    public struct Key: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Print the station key's public half (base64), making the key on first use (khoá của đài).")
        @Option(help: "The state folder holding station.key (default: the folder of --log, else the current folder).")
        var state: String?
        @Option(help: "The airing log whose folder is the state folder.") var log: String?
        public init() {}

        public func run() throws {
            let folder = state.map { URL(fileURLWithPath: $0) }
                ?? log.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let file = folder.appendingPathComponent("station.key")
            let existed = FileManager.default.fileExists(atPath: file.path)
            do {
                let key = try StationKey.loadOrCreate(at: file)
                if !existed { LogReportIO.stderr(tr("đã tạo khoá mới \(file.path)", "made a new key \(file.path)")) }
                print(key.publicKey)
            } catch {
                LogReportIO.stderr("\(error)")
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
