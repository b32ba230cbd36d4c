import Foundation
import LoaAlerts
import LoaCore
import Testing

@Suite struct StationAlertTests {
    @Test func theWireFormRoundTripsWithSPECNamesAndRFC3339Times() throws {
        let received = Date(timeIntervalSince1970: 1_780_300_800.125)
        let alert = StationAlert(seq: 7, key: "city@hanoi.gov.vn,storm-1", identifier: "storm-1",
                                 sender: "city@hanoi.gov.vn", action: .air, stops: ["city@hanoi.gov.vn,storm-0"],
                                 airs: true, mode: .cutIn, effective: received, expires: received + 86_399,
                                 repeatSeconds: 3_600, hoursFrom: 420, hoursTo: 1_200,
                                 audio: .init(sha256: String(repeating: "ab", count: 32), size: 960_044,
                                              mimeType: "audio/mpeg"),
                                 text: nil, voice: nil, headline: "Bão số 3", receivedAt: received)
        let data = try StationAlert.encoder.encode(alert)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains(#""received_at":"2026-06-01T08:00:00.125+00:00""#))
        #expect(json.contains(#""mode":"cut_in""#))
        #expect(json.contains(#""repeat_s":3600"#))
        #expect(json.contains(#""mime_type":"audio/mpeg""#))
        let back = try StationAlert.decoder.decode(StationAlert.self, from: data)
        #expect(back == alert)
        // Hourly from 08:00 UTC = 15:00 in Hanoi, inside 07:00–20:00: 15…20h local on day one, then from 07:00.
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        let times = back.airTimes(from: received, to: received + 86_400, timeZone: hanoi)
        #expect(times.first == received)  // `from` is later than the whole-second grid start
        #expect(times.count == 6 + 8, "\(times.map { Timestamp.format($0, timeZone: hanoi) })")
    }

    @Test func aCancelNeverAirs() {
        let now = Date(timeIntervalSince1970: 1_780_300_800)
        let cancel = StationAlert(seq: 8, key: "s,c", identifier: "c", sender: "s", action: .cancel, stops: ["s,a"],
                                  airs: true, mode: .cutIn, effective: now, expires: nil, repeatSeconds: nil,
                                  hoursFrom: nil, hoursTo: nil, audio: nil, text: nil, voice: nil, headline: nil,
                                  receivedAt: now)
        #expect(cancel.airTimes(from: now, to: now + 3_600, timeZone: .gmt).isEmpty)
    }
}
