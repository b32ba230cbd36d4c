import Foundation
import LoaAlerts
import LoaCore
import LoaLog
import LoaPlayout
import LoaSync
import LoaTestSupport

/// A station in-process (`WebStation`: real daemon, SQLite log, HTTP face, paced sink) fed by `hub` the way
/// `loa run --hub` feeds it: the alert listener on the hub's stream, the audio store, the daemon's scheduler.
/// By default its one slot is far away, so only alerts air.
final class AlertStation: @unchecked Sendable {
    let web: WebStation
    let listener: AlertListener
    let dir: URL

    init(hub: AlertHub, lead: Double = 600, pace: Double = 0.2, folder: URL? = nil, sink: (any PlayoutSink)? = nil,
         listen: Bool = true) throws {
        let dir = folder ?? TemporaryFolders.make("loa-alerts")
        self.dir = dir
        let store = AlertAudioStore(client: hub.client, folder: dir.appendingPathComponent("alerts"))
        web = try WebStation(lead: lead, pace: pace, folder: dir) { c in
            c.alertAudio = { try await store.fetch($0) }
            if let sink { c.sink = .custom(sink) }
        }
        let scheduler = web.daemon.alerts
        listener = AlertListener(client: hub.client, station: "ba-dinh", folder: dir,
                                 backoff: .init(first: 0.05, max: 0.2)) { alerts, replayed in
            scheduler.receive(alerts, replayed: replayed)
        }
        if listen { listener.start() }
    }

    func stop() {
        listener.stop()
        web.stop()
    }

    var rows: [AiringEvent] { (try? web.log.events()) ?? [] }

    /// The rows of alert `identifier`'s airings.
    func rows(_ identifier: String) -> [AiringEvent] {
        rows.filter { AlertScheduler.identifier(ofAiring: $0.airing) == identifier }
    }

    func count(_ identifier: String, _ kind: EventKind) -> Int { rows(identifier).filter { $0.kind == kind }.count }

    func waitFor(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        try web.waitFor(seconds, condition)
    }

    /// Polls every 5 ms for up to `seconds`.
    static func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { if try condition() { return true }; usleep(5000) }
        return try condition()
    }
}

/// A real WAV of `seconds` (8 kHz mono sine), as an alert's audio.
func alertAudio(seconds: Double) -> Data { sineWAV(seconds: seconds) }

extension AiringEvent {
    var time: Date { Timestamp.parse(at) ?? .distantPast }
}
