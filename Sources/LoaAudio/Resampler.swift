import CSoxr

/// Streaming sample-rate conversion with libsoxr at high quality (interleaved Float32 in and out).
/// Fed chunk by chunk; `flush()` drains the filter's tail so an item's length is kept to within one frame.
final class Resampler {
    let inputRate: Int
    let outputRate: Int
    let channels: Int
    private let soxr: soxr_t
    private var output: UnsafeMutablePointer<Float>
    private var capacityFrames: Int

    let subject: String

    init(from inputRate: Int, to outputRate: Int, channels: Int, subject: String) throws(AudioError) {
        self.subject = subject
        self.inputRate = inputRate; self.outputRate = outputRate; self.channels = channels
        var error: soxr_error_t? = nil
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        // One thread: the default lets OpenMP spread channels over every core, which costs more CPU in all than it
        // saves in wall time, and playout shares the station's machine with everything else.
        var runtime = soxr_runtime_spec(1)
        guard let handle = soxr_create(Double(inputRate), Double(outputRate), UInt32(channels), &error, &io,
                                       &quality, &runtime), error == nil else {
            throw AudioError(.resampler, subject: subject, library: .soxr,
                             libraryMessage: error.map { String(cString: $0) } ?? "soxr_create failed")
        }
        soxr = handle
        capacityFrames = 8192
        output = .allocate(capacity: capacityFrames * channels)
    }

    deinit {
        soxr_delete(soxr)
        output.deallocate()
    }

    /// Resamples `frames` interleaved frames. The result points into this resampler's buffer and is valid until
    /// the next call.
    func process(_ input: UnsafePointer<Float>, frames: Int) throws(AudioError) -> UnsafeBufferPointer<Float> {
        try run(input, frames: frames)
    }

    /// Pushes out what the filter still holds at the end of the input.
    func flush() throws(AudioError) -> UnsafeBufferPointer<Float> {
        try run(nil, frames: 0)
    }

    private func ensure(frames: Int) {
        guard frames > capacityFrames else { return }
        output.deallocate()
        capacityFrames = frames
        output = .allocate(capacity: frames * channels)
    }

    private func run(_ input: UnsafePointer<Float>?, frames: Int) throws(AudioError) -> UnsafeBufferPointer<Float> {
        // Room for the ratio plus soxr's internal latency, so each call normally empties it in one go.
        ensure(frames: Int((Double(frames) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 4096)
        var total = 0
        var consumedTotal = 0
        while true {
            var consumed = 0
            var done = 0
            let inPtr = input.map { UnsafeRawPointer($0 + consumedTotal * channels) }
            if let err = soxr_process(soxr, inPtr, input == nil ? 0 : frames - consumedTotal, &consumed,
                                      UnsafeMutableRawPointer(output + total * channels), capacityFrames - total,
                                      &done) {
                throw AudioError(.resampler, subject: subject, library: .soxr, libraryMessage: String(cString: err))
            }
            total += done
            consumedTotal += consumed
            let inputLeft = input != nil && consumedTotal < frames
            if total == capacityFrames {
                // Output full: grow and keep draining.
                let old = output
                let oldCapacity = capacityFrames
                capacityFrames *= 2
                output = .allocate(capacity: capacityFrames * channels)
                output.update(from: old, count: oldCapacity * channels)
                old.deallocate()
                continue
            }
            if inputLeft { continue }
            if input == nil && done > 0 { continue }
            break
        }
        return UnsafeBufferPointer(start: output, count: total * channels)
    }
}
