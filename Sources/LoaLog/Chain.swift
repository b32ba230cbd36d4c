import LoaCore
import Crypto
import LoaL10n
import Foundation

/// The hash chain of the airing log (SPEC §3).
///
/// `hash = lowercase hex of SHA-256( prev_hash ‖ canonical(row) )`, where `prev_hash` is the previous row's `hash`
/// as 64 lowercase hex ASCII characters (64 × `0` for seq 1) and `canonical(row)` is the UTF-8 bytes of the row's
/// other 14 columns, in this fixed order:
///
///     seq, at, kind, airing, station, plan, message, slot_start, source, audio, audio_sha256,
///     planned_s, played_s, detail
///
/// each written as `<n>:<value>;` where `<value>` is the field's text and `<n>` the count of its UTF-8 bytes in
/// decimal, or as `-;` when the field is NULL. Length prefixes make the form unambiguous whatever the text holds
/// (`;`, `:`, newlines, the empty string). Texts are taken byte for byte as stored, no Unicode normalisation.
/// `seq` is written in decimal without leading zeros. `planned_s` and `played_s` are stored rounded to
/// milliseconds and written with exactly three decimals, `.` as decimal point, no exponent, no `+`
/// (`95.000`, `0.250`, `-1.500`); `verify` also rejects a stored number that is not exactly its three-decimal value,
/// so changing a stored figure by less than a millisecond is still caught.
///
/// Example: seq 1, at `2026-06-01T06:00:00.000+07:00`, kind `started`, airing `a1`, station `ba-dinh`, plan `p`,
/// message NULL, slot_start NULL, source `schedule`, audio NULL, audio_sha256 NULL, planned_s 8.2, played_s NULL,
/// detail NULL gives
/// `1:1;29:2026-06-01T06:00:00.000+07:00;7:started;2:a1;7:ba-dinh;1:p;-;-;8:schedule;-;-;5:8.200;-;-;`.
///
/// Row form 2 (log `user_version` 2, the `rehearsal` column): a rehearsal row (`rehearsal` = 1) appends a 15th
/// field, `9:rehearsal;`, to the form above; every other row's form is byte for byte form 1, so logs written
/// before the column existed still verify. The 14 fields are length-prefixed, so the two forms cannot be confused,
/// and turning a rehearsal row into a real one (or back) changes its hash.
public enum Chain {
    /// The 15th canonical field of a rehearsal row.
    static let rehearsalMark = "rehearsal"

    /// `prev_hash` of the first row.
    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical form of one row's columns other than `prev_hash` and `hash`.
    public static func canonical(seq: Int64, at: String, kind: String, airing: String, station: String, plan: String,
                                 message: String?, slotStart: String?, source: String, audio: String?,
                                 audioSHA256: String?, plannedSeconds: Double?, playedSeconds: Double?,
                                 detail: String?, rehearsal: Bool = false) -> [UInt8] {
        var w = CanonicalWriter()
        write(into: &w, seq: seq, at: at, kind: kind, airing: airing, station: station, plan: plan, message: message,
              slotStart: slotStart, source: source, audio: audio, audioSHA256: audioSHA256,
              plannedSeconds: plannedSeconds, playedSeconds: playedSeconds, detail: detail, rehearsal: rehearsal)
        return w.out
    }

    private static func write(into w: inout CanonicalWriter, seq: Int64, at: String, kind: String, airing: String,
                              station: String, plan: String, message: String?, slotStart: String?, source: String,
                              audio: String?, audioSHA256: String?, plannedSeconds: Double?, playedSeconds: Double?,
                              detail: String?, rehearsal: Bool) {
        w.seq(seq)
        w.text(at); w.text(kind); w.text(airing); w.text(station); w.text(plan); w.text(message); w.text(slotStart)
        w.text(source); w.text(audio); w.text(audioSHA256)
        w.seconds(plannedSeconds); w.seconds(playedSeconds); w.text(detail)
        if rehearsal { w.text(rehearsalMark) }
    }

    /// `hash(e) == e.hash`, without making a string or an array: the hub checks every pushed row with it.
    public static func holds(_ e: AiringEvent) -> Bool {
        var w = CanonicalWriter()
        write(into: &w, seq: e.seq, at: e.at, kind: e.kind.rawValue, airing: e.airing, station: e.station, plan: e.plan,
              message: e.message, slotStart: e.slotStart, source: e.source.rawValue, audio: e.audio,
              audioSHA256: e.audioSHA256, plannedSeconds: e.plannedSeconds, playedSeconds: e.playedSeconds,
              detail: e.detail, rehearsal: e.rehearsal)
        var prev = e.prevHash, stored = e.hash
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { computed in
            prev.withUTF8 { prev in
                stored.withUTF8 { stored in
                    hashBytes(prev: prev, canonical: w.written, into: computed.baseAddress!)
                    return sameBytes(UnsafeBufferPointer(computed), stored)
                }
            }
        }
    }

    public static func canonical(_ e: AiringEvent) -> [UInt8] {
        canonical(seq: e.seq, at: e.at, kind: e.kind.rawValue, airing: e.airing, station: e.station, plan: e.plan,
                  message: e.message, slotStart: e.slotStart, source: e.source.rawValue, audio: e.audio,
                  audioSHA256: e.audioSHA256, plannedSeconds: e.plannedSeconds, playedSeconds: e.playedSeconds,
                  detail: e.detail, rehearsal: e.rehearsal)
    }

    /// SHA-256 of `prev_hash ‖ canonical`, lowercase hex.
    public static func hash(prevHash: String, canonical: [UInt8]) -> String {
        var prev = prevHash
        return prev.withUTF8 { prev in
            canonical.withUnsafeBufferPointer { canonical in
                String(unsafeUninitializedCapacity: 64) { out in
                    hashBytes(prev: prev, canonical: canonical, into: out.baseAddress!)
                    return 64
                }
            }
        }
    }

    public static func hash(_ e: AiringEvent) -> String { hash(prevHash: e.prevHash, canonical: canonical(e)) }

    /// SHA-256 of `prev ‖ canonical` as 64 lowercase hex bytes, written over `out` (64 bytes, reused across rows
    /// by verify).
    static func hashBytes(prev: UnsafeBufferPointer<UInt8>, canonical: UnsafeBufferPointer<UInt8>,
                          into out: UnsafeMutablePointer<UInt8>) {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(prev))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(canonical))
        hasher.finalize().withUnsafeBytes { digest in
            for (i, b) in digest.enumerated() {
                out[2 * i] = hexDigit(b >> 4)
                out[2 * i + 1] = hexDigit(b & 15)
            }
        }
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }
}

/// Writes the canonical form straight into one byte buffer it owns (no intermediate strings, no array
/// bookkeeping per byte): verify runs it for every row of every log.
struct CanonicalWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 512
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var out: [UInt8] { Array(written) }
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func reset() { count = 0 }

    static func digits(_ n: UInt64) -> Int { var c = 1, v = n; while v >= 10 { v /= 10; c += 1 }; return c }

    /// Makes room for `n` more bytes; the writes after it in the same field then need no check.
    @inline(__always) private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        let bigger = max(capacity * 2, needed)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = bigger
    }

    @inline(__always) private mutating func put(_ b: UInt8) { base[count] = b; count += 1 }

    /// At most 20 digits (UInt64): callers reserve for them.
    @inline(__always) private mutating func decimal(_ n: UInt64) {
        let c = Self.digits(n)
        var v = n
        var i = count + c - 1
        while i >= count { base[i] = UInt8(48 + v % 10); v /= 10; i -= 1 }
        count += c
    }

    mutating func seq(_ seq: Int64) {
        reserve(48)
        let s = seq.magnitude
        decimal(UInt64(Self.digits(s) + (seq < 0 ? 1 : 0)))
        put(UInt8(ascii: ":"))
        if seq < 0 { put(UInt8(ascii: "-")) }
        decimal(s)
        put(UInt8(ascii: ";"))
    }

    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes else { reserve(2); put(UInt8(ascii: "-")); put(UInt8(ascii: ";")); return }
        reserve(bytes.count + 24)
        decimal(UInt64(bytes.count))
        put(UInt8(ascii: ":"))
        if let from = bytes.baseAddress { (base + count).update(from: from, count: bytes.count) }
        count += bytes.count
        put(UInt8(ascii: ";"))
    }

    mutating func text(_ text: String?) {
        guard var text else { bytes(nil); return }
        text.withUTF8 { bytes($0) }
    }

    mutating func seconds(_ value: Double?) {
        guard let value else { bytes(nil); return }
        guard value.isFinite, abs(value) < 9e15 / 1000 else { text("invalid"); return }
        reserve(48)
        let millis = Int64((value * 1000).rounded())
        let m = millis.magnitude
        let whole = m / 1000
        decimal(UInt64((millis < 0 ? 1 : 0) + Self.digits(whole) + 4))
        put(UInt8(ascii: ":"))
        if millis < 0 { put(UInt8(ascii: "-")) }
        decimal(whole)
        put(UInt8(ascii: "."))
        let frac = m % 1000
        put(UInt8(48 + frac / 100)); put(UInt8(48 + frac / 10 % 10)); put(UInt8(48 + frac % 10))
        put(UInt8(ascii: ";"))
    }
}

/// SHA-256 of bytes, lowercase hex: the form of every hash Loa writes (rows, blobs, tokens, files).
public func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
