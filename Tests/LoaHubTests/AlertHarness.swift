import AsyncHTTPClient
import Foundation
import LoaAlerts
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The alert tests' plan: three stations in two groups (inner: ba-dinh, hoan-kiem; riverside: hoan-kiem, hong-ha).
let alertStations: [(id: String, groups: [String])] = [
    ("ba-dinh", ["inner"]), ("hoan-kiem", ["inner", "riverside"]), ("hong-ha", ["riverside"]),
]

extension RunningHub {
    static func startForAlerts(_ kind: StoreKind = .sqlite) async throws -> RunningHub {
        let hub = try await start(kind, stations: alertStations.map(\.id))
        try await hub.publishRoster()
        return hub
    }

    /// Publishes the roster plan through the API, as `loa hub publish` would.
    func publishRoster(_ stations: [(id: String, groups: [String])] = alertStations) async throws {
        let yaml = Data(RosterPlan.yaml(stations: stations).utf8)
        let sha = sha256Hex(yaml)
        try await adminClient.putBlob(yaml, sha256: sha)
        _ = try await adminClient.publish(PlanManifest(plan: "plan.yaml", files: [
            ManifestFile(path: "plan.yaml", sha256: sha, size: Int64(yaml.count))]))
    }

    /// `POST /api/v1/alerts` with `xml`; the status and the answer or refusal.
    func postAlert(_ xml: Data, token: String? = nil) async throws -> (Int, AlertAnswer?, HubRefusal?) {
        let (status, body, _) = try await raw(.POST, "/api/v1/alerts", token: token ?? admin, body: xml,
                                              headers: ["Content-Type": "application/xml"])
        return (status, try? StationAlert.decoder.decode(AlertAnswer.self, from: body), refusal(body))
    }

    /// The long poll's answer for `station`.
    func poll(_ station: String, after: Int64 = 0, wait: Int = 0) async throws -> (alerts: [StationAlert], through: Int64) {
        let (status, body, _) = try await raw(.GET, "/api/v1/stations/\(station)/alerts?after=\(after)&wait=\(wait)",
                                              token: stationTokens[station])
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        let batch = try StationAlert.decoder.decode(PolledAlerts.self, from: body)
        return (batch.alerts, batch.through)
    }

    func status(_ key: String) async throws -> AlertStatus {
        let path = "/api/v1/alerts/" + (key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key)
        let (status, body, _) = try await raw(.GET, path, token: admin)
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        return try StationAlert.decoder.decode(AlertStatus.self, from: body)
    }
}

struct PolledAlerts: Decodable {
    var alerts: [StationAlert]
    var through: Int64
}

/// An emergency as the city's button makes it, a little in the future so it is never already expired.
func draft(_ targets: [String], text: String = "Bão số 3: bà con không ra khỏi nhà.", identifier: String = EmergencyDraft.newIdentifier(),
           expiresIn: TimeInterval = 3600, repeatSeconds: Int? = nil, hours: String? = nil, cancels: [String] = [],
           audio: Data? = nil) -> EmergencyDraft {
    EmergencyDraft(targets: targets, content: audio.map { .audio($0, mimeType: "audio/x-wav") } ?? .text(text, voice: "vi"),
                   repeatSeconds: repeatSeconds, hours: hours, expires: Date().addingTimeInterval(expiresIn),
                   cancels: cancels, sender: "canhbao@hanoi.gov.vn", identifier: identifier, sent: Date())
}

/// A station holding `GET /stations/ID/alerts` as Server-Sent Events, reading what arrives.
struct AlertStream {
    var iterator: HTTPClientResponse.Body.AsyncIterator
    var parser = SSEParser()
    var ready: [SSEParser.Event] = []
    let status: Int

    static func open(_ hub: RunningHub, _ station: String, lastEventID: Int64? = nil) async throws -> AlertStream {
        try await open(base: hub.base, token: hub.stationTokens[station]!, station, lastEventID: lastEventID)
    }

    static func open(base: String, token: String, _ station: String, lastEventID: Int64? = nil) async throws -> AlertStream {
        var request = HTTPClientRequest(url: base + "/api/v1/stations/\(station)/alerts")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: "\(lastEventID)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        return AlertStream(iterator: response.body.makeAsyncIterator(), status: Int(response.status.code))
    }

    /// The next event or comment (heartbeat), or nil when the stream ends.
    mutating func next(comments: Bool = false) async throws -> SSEParser.Event? {
        while true {
            while !ready.isEmpty {
                let e = ready.removeFirst()
                if comments || !e.isComment { return e }
            }
            guard let chunk = try await iterator.next() else { return nil }
            ready += parser.feed(chunk.readableBytesView)
        }
    }

    mutating func nextAlert() async throws -> StationAlert? {
        guard let e = try await next() else { return nil }
        #expect(e.event == "alert")
        let alert = try StationAlert.decoder.decode(StationAlert.self, from: Data(e.data.utf8))
        #expect(e.id == "\(alert.seq)", "the SSE id is the alert's seq")
        return alert
    }
}
