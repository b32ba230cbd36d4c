import Foundation
import LoaL10n

// The evidence's vocabulary: what verifying a log's hash chain found, and a log's rows as bytes, so the report
// (pure logic) counts rows that LoaLog (the SQLite edge) reads, without either importing the other.

/// The outcome of verifying a log's hash chain (`AiringLog.verify()`, docs/reference/airing-log.md).
public enum ChainCheck: Sendable, Hashable {
    /// Every row matches; `count` rows were checked.
    case ok(count: Int)
    /// `seq` names the first row that does not match (for a deleted row: the seq that is missing).
    case broken(seq: Int64, fault: ChainFault, checkedBefore: Int)

    public var isOK: Bool { if case .ok = self { true } else { false } }
    public var firstBadSeq: Int64? { if case .broken(let seq, _, _) = self { seq } else { nil } }

    public var message: Localized {
        switch self {
        case .ok(let count):
            return Localized(vi: "Chuỗi băm hợp lệ: \(count) dòng.", en: "Hash chain verifies: \(count) rows.")
        case .broken(let seq, let fault, _):
            let why = fault.message
            return Localized(vi: "Chuỗi băm hỏng tại dòng seq \(seq): \(why.vi)",
                             en: "Hash chain broken at row seq \(seq): \(why.en)")
        }
    }
}

public enum ChainFault: Sendable, Hashable {
    /// Rows are missing: `expected` was due next, `found` came instead (a deleted row or rows).
    case missingRows(expected: Int64, found: Int64)
    /// The row's `prev_hash` is not the previous row's `hash` (rows reordered, or a row before it replaced).
    case prevHashMismatch
    /// The row's columns no longer give its `hash` (the row was edited).
    case hashMismatch
    /// A column holds something the log never writes (e.g. a number with sub-millisecond digits, a NULL kind).
    case malformed(String)

    public var message: Localized {
        switch self {
        case .missingRows(let expected, let found):
            return Localized(vi: "thiếu dòng: sau dòng \(expected - 1) là dòng \(found) (dòng đã bị xoá)",
                             en: "rows missing: row \(expected - 1) is followed by row \(found) (rows deleted)")
        case .prevHashMismatch:
            return Localized(vi: "prev_hash không khớp với hash của dòng trước (dòng bị đảo thứ tự hoặc thay thế)",
                             en: "prev_hash does not match the previous row's hash (rows reordered or replaced)")
        case .hashMismatch:
            return Localized(vi: "nội dung dòng không khớp với hash của nó (dòng đã bị sửa)",
                             en: "the row's content does not match its hash (row edited)")
        case .malformed(let what):
            return Localized(vi: "giá trị không hợp lệ: \(what)", en: "malformed value: \(what)")
        }
    }
}

/// One row of an airing log seen as the bytes of its columns, valid only inside the scan that hands it over.
/// `kind` is nil for a row the log would never write (then the other fields are not to be trusted).
public protocol AiringRowBytes {
    var kind: EventKind? { get }
    var at: UnsafeBufferPointer<UInt8>? { get }
    var airing: UnsafeBufferPointer<UInt8>? { get }
    var station: UnsafeBufferPointer<UInt8>? { get }
    var plan: UnsafeBufferPointer<UInt8>? { get }
    var message: UnsafeBufferPointer<UInt8>? { get }
    var slotStart: UnsafeBufferPointer<UInt8>? { get }
    var source: AiringSource? { get }
    var plannedSeconds: Double? { get }
    var playedSeconds: Double? { get }
    /// The row was written by a rehearsal (`--clock simulated`): the report leaves it out unless asked.
    var rehearsal: Bool { get }
}

/// Reads airing logs by path: every row in seq order, the chain verified in the same pass.
public protocol AiringLogReader: Sendable {
    func scan(path: String, _ body: (any AiringRowBytes) throws -> Void) throws -> ChainCheck
}

/// memcmp of two byte runs: the generic `elementsEqual` costs several times more per row.
public func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
}
