import Foundation
import GRDB
import LoaCore
import LoaL10n

/// Anything that goes wrong reading or writing an airing log, naming the file.
public struct LogError: LoaError, LocalizedError {
    public enum Kind: String, Sendable, Hashable {
        case notALog, cannotOpen, locked, readOnly, diskFull, ioError, appendOnly, sqlite, invalid
    }
    public let path: String
    public let reason: Localized
    /// The SQLite result code when SQLite reported the fault.
    public let sqliteCode: Int32?

    public init(path: String, _ reason: Localized, sqliteCode: Int32? = nil) {
        self.path = path; self.reason = reason; self.sqliteCode = sqliteCode
    }

    public var subject: String { path }
    /// From SQLite's result code; `invalid` for faults Loa finds itself (a broken chain, a bad row).
    public var kind: Kind {
        switch sqliteCode {
        case nil: .invalid
        case 26?, 11?: .notALog            // SQLITE_NOTADB, SQLITE_CORRUPT
        case 14?: .cannotOpen
        case 5?, 6?: .locked
        case 8?: .readOnly
        case 13?: .diskFull
        case 10?: .ioError
        case 19?: .appendOnly
        default: .sqlite
        }
    }
    public var localized: Localized {
        Localized(vi: "\(path): lỗi nhật ký: \(reason.vi)", en: "\(path): log error: \(reason.en)")
    }
    public var message: Localized { localized }
    public var description: String { localized.text() }
    public var errorDescription: String? { description }

    static func wrap(_ error: any Error, path: String) -> any Error {
        if error is LogError { return error }
        guard let db = error as? DatabaseError else { return error }
        let code = db.resultCode.primaryResultCode.rawValue
        let detail = db.message ?? "SQLite error \(code)"
        switch db.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return LogError(path: path, Localized(
                vi: "tệp không phải cơ sở dữ liệu SQLite hoặc đã hỏng (\(detail))",
                en: "the file is not an SQLite database or is damaged (\(detail))"), sqliteCode: code)
        case .SQLITE_CANTOPEN:
            return LogError(path: path, Localized(vi: "không mở được tệp (\(detail))",
                                                  en: "cannot open the file (\(detail))"), sqliteCode: code)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LogError(path: path, Localized(vi: "tệp đang bị khoá bởi tiến trình khác (\(detail))",
                                                  en: "the file is locked by another process (\(detail))"),
                            sqliteCode: code)
        case .SQLITE_READONLY:
            return LogError(path: path, Localized(vi: "không ghi được: tệp chỉ đọc (\(detail))",
                                                  en: "cannot write: the file is read-only (\(detail))"),
                            sqliteCode: code)
        case .SQLITE_FULL:
            return LogError(path: path, Localized(vi: "đĩa đã đầy (\(detail))", en: "the disk is full (\(detail))"),
                            sqliteCode: code)
        case .SQLITE_IOERR:
            return LogError(path: path, Localized(vi: "lỗi đọc ghi đĩa (\(detail))", en: "the disk failed a read or write (\(detail))"),
                            sqliteCode: code)
        case .SQLITE_CONSTRAINT:
            return LogError(path: path, Localized(vi: "nhật ký chỉ được ghi thêm (\(detail))",
                                                  en: "the log only accepts appends (\(detail))"), sqliteCode: code)
        default:
            return LogError(path: path, Localized(vi: "lỗi SQLite \(code): \(detail)",
                                                  en: "SQLite error \(code): \(detail)"), sqliteCode: code)
        }
    }
}
