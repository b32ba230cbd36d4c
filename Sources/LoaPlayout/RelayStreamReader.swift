import AsyncHTTPClient
import Foundation
import LoaAudio
import LoaL10n
import NIOCore

/// Reads an HTTP(S)/Icecast MP3 stream into a relay's `LiveFeed`, decoding with libmpg123 as the bytes come, until
/// the feed closes. A stream that does not answer, answers with an error, goes quiet for `stallSeconds` or drops
/// is tried again after a backoff (`backoff`, the last repeating); each fault is handed to the feed, which logs it
/// as the outage's reason if the gap is heard.
public struct RelayStreamReader: Sendable {
    public let url: URL
    public let feed: LiveFeed
    /// A refused connection costs nothing, and every second of waiting is a second of fallback on air: try each second.
    public var backoff: [Double] = [0.25, 0.5, 1]

    public init(url: URL, feed: LiveFeed) { self.url = url; self.feed = feed }

    /// Seconds without a byte before the stream counts as stalled.
    public static let stallSeconds: Int64 = 3
    /// Seconds decoded ahead of the air that the reader keeps at most: a server sending faster than real time (a
    /// file, an Icecast burst) waits on the relay, not in memory.
    static let aheadSeconds = 4.0

    /// One client for every relay: connecting fails fast, and a read waiting longer than the stall limit fails.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(stallSeconds))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Runs until the feed is closed (the relay ended or was cut) or the task is cancelled.
    public func run() async {
        var attempt = 0
        while !feed.isClosed && !Task.isCancelled {
            do {
                try await readOnce { attempt = 0 }
                if feed.isClosed { return }
                feed.fault(Localized(vi: "mất luồng tiếp sóng: máy chủ đã đóng kết nối",
                                     en: "stream down: the server closed the connection"))
            } catch {
                if feed.isClosed { return }
                feed.fault(Self.reason(error))
            }
            let wait = backoff[min(attempt, backoff.count - 1)]
            attempt += 1
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    private func readOnce(onData: () -> Void) async throws {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "loa-relay")
        let response = try await Self.http.execute(request, timeout: .seconds(Self.stallSeconds + 3))
        guard response.status == .ok else { throw RelayStreamError.status(Int(response.status.code)) }
        let decoder = try MP3FeedDecoder(subject: url.absoluteString)
        var samples: [Float] = []
        for try await buffer in response.body {
            if feed.isClosed { return }
            samples.removeAll(keepingCapacity: true)
            try buffer.withUnsafeReadableBytes { bytes in _ = try decoder.decode(bytes, into: &samples) }
            guard !samples.isEmpty else { continue }
            feed.push(samples, rate: decoder.sampleRate, channels: decoder.channels)
            feed.recovered()
            onData()
            while feed.bufferedSeconds > Self.aheadSeconds && !feed.isClosed {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// The fault in the log's words: "stream down: …".
    static func reason(_ error: any Error) -> Localized {
        let what: String
        switch error {
        case RelayStreamError.status(let code): what = "HTTP \(code)"
        case let e as AudioError: what = e.localized.en
        case let e as HTTPClientError where e == .readTimeout || e == .deadlineExceeded:
            what = "no data for \(stallSeconds) s"
        default: what = String(describing: error)
        }
        return Localized(vi: "mất luồng tiếp sóng: \(what)", en: "stream down: \(what)")
    }
}

enum RelayStreamError: Error { case status(Int) }
