import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `-wal` file lying beside a log: rows may still live there. SQLite folds in the frames of a `-wal` whose header
/// and frame checksums hold, up to its last commit, and silently skips one that is damaged or half copied; a
/// verification of the file alone then says nothing of those rows. Read here by the WAL format's own rules.
public struct WalBeside: Sendable, Hashable {
    public var path: String
    public var bytes: Int
    /// Frames a reader of the log reads from the `-wal` (valid, up to the last commit).
    public var foldedFrames: Int
    public var foldedIn: Bool { foldedFrames > 0 }

    /// Nil when there is no `-wal` beside `log`, or it holds no frame (only its 32-byte header, or nothing).
    public static func of(log: String) -> WalBeside? {
        let path = log + "-wal"
        guard let data = FileManager.default.contents(atPath: path), data.count > 32 else { return nil }
        return WalBeside(path: path, bytes: data.count, foldedFrames: committedFrames([UInt8](data)))
    }

    /// Valid frames up to the last commit frame, 0 when the header itself does not check.
    static func committedFrames(_ b: [UInt8]) -> Int {
        func u32(_ i: Int, bigEndian: Bool = true) -> UInt32 {
            let w = UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
            return bigEndian ? w : w.byteSwapped
        }
        let magic = u32(0)
        guard magic & 0xFFFF_FFFE == 0x377F_0682 else { return 0 }
        let big = magic & 1 == 1
        let pageSize = Int(u32(8))
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else { return 0 }
        // SQLite's checksum: pairs of 32-bit words in the byte order the magic names, Fibonacci-weighted.
        func sum(_ range: Range<Int>, _ s: (UInt32, UInt32)) -> (UInt32, UInt32) {
            var (s0, s1) = s
            var i = range.lowerBound
            while i < range.upperBound {
                s0 = s0 &+ u32(i, bigEndian: big) &+ s1
                s1 = s1 &+ u32(i + 4, bigEndian: big) &+ s0
                i += 8
            }
            return (s0, s1)
        }
        var s = sum(0..<24, (0, 0))
        guard s == (u32(24), u32(28)) else { return 0 }
        let salts = (u32(16), u32(20))
        var frames = 0, committed = 0, offset = 32
        while offset + 24 + pageSize <= b.count {
            guard (u32(offset + 8), u32(offset + 12)) == salts else { break }
            s = sum(offset ..< offset + 8, s)
            s = sum(offset + 24 ..< offset + 24 + pageSize, s)
            guard s == (u32(offset + 16), u32(offset + 20)) else { break }
            frames += 1
            if u32(offset + 4) != 0 { committed = frames }
            offset += 24 + pageSize
        }
        return committed
    }
}
