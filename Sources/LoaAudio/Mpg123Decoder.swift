import CMpg123
import Foundation

/// libmpg123's feed decoder: MP3 bytes in as they come off the network, in any pieces, and interleaved Float32
/// frames out at the stream's own rate and channels. The only home of libmpg123's calls; no C pointer leaves it.
public final class MP3FeedDecoder {
    /// The stream (URL) or file the bytes come from, for errors.
    public let subject: String
    /// Known once the first frame header is decoded; a stream may change them (a new format), so read them after
    /// each `decode`.
    public private(set) var sampleRate = 0
    public private(set) var channels = 0
    private let handle: OpaquePointer
    private var output: [UInt8] = Array(repeating: 0, count: 64 * 1024)

    private static let initialized: Int32 = mpg123_init()

    public init(subject: String) throws(AudioError) {
        self.subject = subject
        _ = Self.initialized
        var rc: Int32 = 0
        guard let h = mpg123_new(nil, &rc) else { throw Self.error(rc, subject, "mpg123_new") }
        handle = h
        // Float32 only, at whatever rate and channel count the stream has: soxr resamples, as for files.
        mpg123_param2(h, Int32(MPG123_FLAGS.rawValue), Int(MPG123_QUIET.rawValue), 0)
        mpg123_format_none(h)
        var rates: UnsafePointer<Int>?
        var count = 0
        mpg123_rates(&rates, &count)
        for i in 0..<count {
            mpg123_format(h, rates![i], Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue),
                          Int32(MPG123_ENC_FLOAT_32.rawValue))
        }
        rc = mpg123_open_feed(h)
        if rc != MPG123_OK.rawValue {
            mpg123_delete(h)
            throw Self.error(rc, subject, "mpg123_open_feed")
        }
    }

    deinit {
        mpg123_close(handle)
        mpg123_delete(handle)
    }

    static func error(_ rc: Int32, _ subject: String, _ call: String) -> AudioError {
        AudioError(.corruptAudio, subject: subject, library: .mpg123, code: rc,
                   libraryMessage: "\(call): " + String(cString: mpg123_plain_strerror(rc)))
    }

    /// Feeds `bytes` and appends every frame they complete to `into` (interleaved, `channels` wide). Returns the
    /// frames appended. Bytes that are not MP3 are skipped by libmpg123 as it looks for the next frame; a stream it
    /// cannot decode at all throws.
    @discardableResult
    public func decode(_ bytes: UnsafeRawBufferPointer, into out: inout [Float]) throws(AudioError) -> Int {
        if let base = bytes.baseAddress, bytes.count > 0 {
            let rc = mpg123_feed(handle, base.assumingMemoryBound(to: UInt8.self), bytes.count)
            if rc != MPG123_OK.rawValue { throw Self.error(rc, subject, "mpg123_feed") }
        }
        var frames = 0
        while true {
            var done = 0
            let rc = output.withUnsafeMutableBytes { mpg123_read(handle, $0.baseAddress, $0.count, &done) }
            if rc == MPG123_NEW_FORMAT.rawValue {
                var rate = 0, ch: Int32 = 0, enc: Int32 = 0
                mpg123_getformat(handle, &rate, &ch, &enc)
                sampleRate = rate; channels = Int(ch)
            }
            if done > 0 {
                let count = done / MemoryLayout<Float>.size
                output.withUnsafeBytes { raw in
                    out.append(contentsOf: raw.bindMemory(to: Float.self).prefix(count))
                }
                frames += count / max(1, channels)
            }
            if rc == MPG123_NEED_MORE.rawValue || rc == MPG123_DONE.rawValue { break }
            if rc == MPG123_OK.rawValue || rc == MPG123_NEW_FORMAT.rawValue { continue }
            throw Self.error(rc, subject, "mpg123_read")
        }
        return frames
    }
}
