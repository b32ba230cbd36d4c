import LoaCore
import Foundation

/// One stored row of the log's 17 columns as bytes, from whichever store holds it (a log's SQLite buffers, the
/// hub's PostgreSQL cells), for readers that count hundreds of thousands of rows without making a string for each
/// (the report) and for `ChainCursor`, which checks the chain on these same bytes. The column slots belong to
/// whoever reads the store and stay valid only until it moves to the next row: copy what must outlive the call.
public struct RowCells: AiringRowBytes {
    /// Slots 0…16 in the log's column order; text as UTF-8, nil for NULL. Slots 0, 11, 12 and 16 are unused (the
    /// numbers below).
    public let columns: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>
    public var seq: Int64?
    /// planned_s / played_s; `ok` false when the stored value is not a number of whole milliseconds.
    public var planned: (ok: Bool, value: Double?) = (true, nil)
    public var played: (ok: Bool, value: Double?) = (true, nil)
    /// `rehearsal`; `ok` false for a stored value other than 0/1 or false/true.
    public var rehearsalFlag: (ok: Bool, value: Bool) = (true, false)

    public static let columnCount = 17

    /// `columns` must have `columnCount` slots; the caller owns them.
    public init(columns: UnsafeMutablePointer<UnsafeBufferPointer<UInt8>?>) { self.columns = columns }

    /// A stored real as the chain wants it: whole milliseconds, or malformed.
    public static func seconds(_ d: Double) -> (ok: Bool, value: Double?) { (Seconds.rounded(d) == d, d) }

    @inline(__always) func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8>? { columns[i] }

    private static let names = ["seq", "at", "kind", "airing", "station", "plan", "message", "slot_start", "source",
                                "audio", "audio_sha256", "planned_s", "played_s", "detail", "prev_hash", "hash"]
    private static let required = [1, 2, 3, 4, 5, 8, 14, 15]

    /// Why this row does not follow a row whose hash is `prevHash` (64 bytes), or nil when it does; then
    /// `computed` (64 bytes) holds this row's hash as hex. Runs for every row of every log, so it allocates nothing.
    func fault(seq: Int64, prevHash: UnsafePointer<UInt8>, writer: inout CanonicalWriter,
               computed: UnsafeMutablePointer<UInt8>) -> ChainFault? {
        for i in Self.required where bytes(i) == nil { return .malformed("\(Self.names[i]) is NULL") }
        guard planned.ok else { return .malformed("planned_s") }
        guard played.ok else { return .malformed("played_s") }
        guard rehearsalFlag.ok else { return .malformed("rehearsal") }
        let prev = bytes(14)!, stored = bytes(15)!
        guard prev.count == 64, memcmp(prev.baseAddress!, prevHash, 64) == 0 else { return .prevHashMismatch }
        writer.reset()
        writer.seq(seq)
        for i in 1...10 { writer.bytes(columns[i]) }
        writer.seconds(planned.value)
        writer.seconds(played.value)
        writer.bytes(columns[13])
        if rehearsalFlag.value { writer.text(Chain.rehearsalMark) }
        Chain.hashBytes(prev: prev, canonical: writer.written, into: computed)
        guard stored.count == 64, memcmp(stored.baseAddress!, computed, 64) == 0 else { return .hashMismatch }
        return nil
    }

    // AiringRowBytes

    /// The event's kind, or nil when the row is not a readable event (the same rows `AiringLog.events()` would
    /// reject: a kind or source the log never writes, or a required column NULL).
    public var kind: EventKind? {
        guard seq != nil, let k = bytes(2), let kind = EventKind(bytes: k),
              let source = bytes(8), AiringSource(bytes: source) != nil,
              bytes(1) != nil, bytes(3) != nil, bytes(4) != nil, bytes(5) != nil else { return nil }
        return kind
    }

    public var at: UnsafeBufferPointer<UInt8>? { bytes(1) }
    public var airing: UnsafeBufferPointer<UInt8>? { bytes(3) }
    public var station: UnsafeBufferPointer<UInt8>? { bytes(4) }
    public var plan: UnsafeBufferPointer<UInt8>? { bytes(5) }
    public var message: UnsafeBufferPointer<UInt8>? { bytes(6) }
    public var slotStart: UnsafeBufferPointer<UInt8>? { bytes(7) }
    public var plannedSeconds: Double? { planned.value }
    public var playedSeconds: Double? { played.value }
    /// The `source` column (the report splits airtime by it); nil when the log holds a source Loa never writes.
    public var source: AiringSource? { bytes(8).flatMap(AiringSource.init(bytes:)) }
    /// The `rehearsal` column: written by `loa run --clock simulated`, not evidence of airing.
    public var rehearsal: Bool { rehearsalFlag.value }
}

/// The chain check of `loa log verify`, fed one row at a time in seq order: seq from 1 without gaps, `prev_hash`
/// links, the hash recomputed on the stored bytes, seconds to the millisecond. The first fault is kept and later
/// rows are not checked.
public struct ChainCursor: ~Copyable {
    private var writer = CanonicalWriter()
    /// Two 64-byte hex hashes: the previous row's and this row's, swapped after each good row.
    private let hashes: UnsafeMutablePointer<UInt8>
    private var prevHash: UnsafeMutablePointer<UInt8>
    private var computed: UnsafeMutablePointer<UInt8>
    private var expected: Int64 = 1
    private var checked = 0
    /// The first fault found, or nil while every row so far holds.
    public private(set) var fault: ChainCheck?

    public init() {
        hashes = .allocate(capacity: 128)
        prevHash = hashes
        computed = hashes + 64
        prevHash.initialize(repeating: UInt8(ascii: "0"), count: 64)
    }

    deinit { hashes.deallocate() }

    public var outcome: ChainCheck { fault ?? .ok(count: checked) }

    public mutating func check(_ row: RowCells) {
        guard fault == nil else { return }
        guard let seq = row.seq else {
            fault = .broken(seq: expected, fault: .malformed("seq"), checkedBefore: checked)
            return
        }
        if seq != expected {
            fault = .broken(seq: expected, fault: .missingRows(expected: expected, found: seq), checkedBefore: checked)
        } else if let bad = row.fault(seq: seq, prevHash: prevHash, writer: &writer, computed: computed) {
            fault = .broken(seq: expected, fault: bad, checkedBefore: checked)
        } else {
            swap(&prevHash, &computed)
            expected += 1
            checked += 1
        }
    }
}
