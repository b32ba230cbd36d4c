import Foundation
import LoaAlerts
@testable import LoaHub
import Testing

/// The feed answers from memory only when it knows nothing lies between a station's last seq and the alerts it
/// holds; otherwise the store is read.
@Suite struct AlertFeedTests {
    func published(_ seq: Int64, previous: Int64, targets: Set<String>, expires: Date? = nil) throws -> PublishedAlert {
        let alert = StationAlert(seq: seq, key: "s,\(seq)", identifier: "\(seq)", sender: "s", action: .air, stops: [],
                                 airs: true, mode: .cutIn, effective: Date(), expires: expires, repeatSeconds: nil,
                                 hoursFrom: nil, hoursTo: nil, audio: nil, text: "t", voice: "vi", headline: nil,
                                 receivedAt: Date())
        return try PublishedAlert(StoredAlert(alert: alert, state: .active, sent: "", targets: targets.sorted()),
                                  previous: previous)
    }

    @Test func memoryAnswersOnlyAWholeChainAndOnlyAStationsOwnAlerts() async throws {
        let feed = AlertFeed()
        let now = Date()
        // Seq 8 follows 5 (6 and 7 were never stored, e.g. a sequence gap), 9 follows 8.
        await feed.publish(try published(9, previous: 8, targets: ["a"]))
        await feed.publish(try published(8, previous: 5, targets: ["a", "b"]))
        let a = try #require(await feed.pending(for: "a", after: 5, now: now))
        #expect(a.alerts.map(\.alert.seq) == [8, 9] && a.through == 9, "published out of order, handed out in order")
        let b = try #require(await feed.pending(for: "b", after: 5, now: now))
        #expect(b.alerts.map(\.alert.seq) == [8] && b.through == 9, "b is not a target of 9 but has looked past it")
        #expect(await feed.pending(for: "a", after: 3, now: now) == nil, "4 or 5 may exist: read the store")
        #expect(try #require(await feed.pending(for: "a", after: 9, now: now)).alerts.isEmpty)
        // An expired alert is not handed out from memory either.
        await feed.publish(try published(10, previous: 9, targets: ["a"], expires: now.addingTimeInterval(-1)))
        #expect(try #require(await feed.pending(for: "a", after: 9, now: now)).alerts.isEmpty)
    }
}
