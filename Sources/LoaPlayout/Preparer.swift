import Foundation

/// Measures, on a background thread, the files the next airings need, before their cue. The audio
/// engine sets one gain per item from the whole file's loudness, so the first airing of a file never aired before
/// would otherwise measure it all between the hand-over and the first sample: ≈ 3 s for 10 min of Opus on a fast
/// core, far more on a station's small box, and the slot would start late by that much.
final class Preparer: @unchecked Sendable {
    private let sink: any PlayoutSink
    private let state = Locked(State())
    private let wake = Signal()
    private struct State {
        var queue: [URL] = []
        var running = false
        var stopped = false
    }

    init(sink: any PlayoutSink) { self.sink = sink }

    /// What to measure, soonest first; replaces what was still waiting. Files measured before cost one `stat` in the
    /// sink's cache, so handing the whole horizon again after every run is cheap.
    func want(_ urls: [URL]) {
        let start = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.queue = urls
            defer { s.running = true }
            return !s.running
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = "loa-prepare"
            thread.start()
        }
        wake.raise()
    }

    /// The file being measured finishes (it only fills a cache); nothing after it starts.
    func stop() {
        state.withLock { $0.stopped = true; $0.queue = [] }
        wake.raise()
    }

    /// At the normal priority: it shares locks with the thread that airs (the cache, the runtime's), and a starved
    /// low-priority holder would delay that one. The thread feeding the device sleeps between periods and needs a
    /// fraction of a percent of a core, so the scheduler serves it first anyway.
    private func loop() {
        while true {
            wake.lower()
            let next = state.withLock { s -> (url: URL?, stopped: Bool) in
                (s.queue.isEmpty ? nil : s.queue.removeFirst(), s.stopped)
            }
            if next.stopped { return }
            if let url = next.url { try? sink.prepare(url) } else { _ = wake.wait(seconds: 3600) }
        }
    }
}
