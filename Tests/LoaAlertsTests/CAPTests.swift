import Crypto
import Foundation
import LoaAlerts
import LoaCore
import Testing

/// CAP 1.2 documents as a warning centre sends them, and the hostile or broken ones it must refuse.
func cap(status: String = "Actual", msgType: String = "Alert", references: String? = nil,
         urgency: String = "Immediate", effective: String? = "2026-09-10T06:00:00+07:00",
         expires: String? = "2026-09-10T20:00:00+07:00", parameters: [(String, String)] = [],
         geocodes: [(String, String)] = [("loa:group", "riverside")], resource: String = "",
         headline: String = "Bão số 3 đổ bộ", extraInfo: String = "") -> Data {
    let refs = references.map { "<references>\($0)</references>" } ?? ""
    let params = parameters.map { "<parameter><valueName>\($0.0)</valueName><value>\($0.1)</value></parameter>" }
        .joined()
    let codes = geocodes.map { "<geocode><valueName>\($0.0)</valueName><value>\($0.1)</value></geocode>" }.joined()
    let text = """
    <?xml version="1.0" encoding="UTF-8"?>
    <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
      <identifier>storm-3-0001</identifier>
      <sender>canhbao@hanoi.gov.vn</sender>
      <sent>2026-09-10T05:55:00+07:00</sent>
      <status>\(status)</status>
      <msgType>\(msgType)</msgType>
      <scope>Public</scope>
      \(refs)
      <info>
        <language>vi-VN</language>
        <category>Met</category>
        <event>Bão</event>
        <urgency>\(urgency)</urgency>
        <severity>Severe</severity>
        <certainty>Observed</certainty>
        \(effective.map { "<effective>\($0)</effective>" } ?? "")
        \(expires.map { "<expires>\($0)</expires>" } ?? "")
        <headline>\(headline)</headline>
        <instruction>Bà con không ra khỏi nhà.</instruction>
        \(params)
        \(resource)
        <area><areaDesc>Ven sông Hồng</areaDesc>\(codes)</area>
        \(extraInfo)
      </info>
    </alert>
    """
    return Data(text.utf8)
}

let received = Timestamp.parse("2026-09-10T05:56:00+07:00")!
let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

func order(_ data: Data) throws -> AlertOrder {
    try AlertOrder.make(from: try CAPAlert.parse(data), stations: ["ba-dinh", "hong-ha"],
                        groups: ["riverside", "inner"], receivedAt: received)
}

@Suite struct CAPTests {
    @Test func anImmediateAlertWithInlineAudioCutsInAtItsTargets() throws {
        let audio = Data("RIFF fake wav bytes".utf8)
        let digest = Insecure.SHA1.hash(data: audio).map { String(format: "%02x", $0) }.joined()
        let resource = "<resource><resourceDesc>Bản tin</resourceDesc><mimeType>audio/x-wav</mimeType>"
            + "<derefUri>\(audio.base64EncodedString())</derefUri><digest>\(digest)</digest></resource>"
        let o = try order(cap(geocodes: [("loa:group", "riverside"), ("loa:station", "ba-dinh")], resource: resource))
        #expect(o.key == "canhbao@hanoi.gov.vn,storm-3-0001")
        #expect(o.airs && o.mode == .cutIn && o.action == .air)
        #expect(o.targets == [.group("riverside"), .station("ba-dinh")])
        #expect(o.audio == .bytes(audio, mimeType: "audio/x-wav"))
        #expect(o.airTimes(from: received, to: received.addingTimeInterval(86_400), timeZone: hanoi)
                == [Timestamp.parse("2026-09-10T06:00:00+07:00")!])
    }

    @Test func withoutAudioTheTextIsSpokenInTheAlertsLanguage() throws {
        let o = try order(cap(urgency: "Expected", geocodes: [("loa:group", "all")]))
        #expect(o.mode == .nextSlot && o.targets == [.all])
        #expect(o.audio == .speech(text: "Bão số 3 đổ bộ. Bà con không ra khỏi nhà.", voice: "vi"))
    }

    @Test func repeatsEveryHourWithinItsHoursUntilItExpires() throws {
        let o = try order(cap(effective: "2026-09-10T06:30:00+07:00", expires: "2026-09-11T08:00:00+07:00",
                              parameters: [("loa:repeat", "PT1H"), ("loa:hours", "07:00-20:00")]))
        let times = o.airTimes(from: received, to: received.addingTimeInterval(3 * 86_400), timeZone: hanoi)
            .map { Timestamp.format($0, timeZone: hanoi) }
        #expect(times.first == "2026-09-10T07:00:00.000+07:00", "06:30 is before 07:00: the first airing waits")
        #expect(times.contains("2026-09-10T19:30:00.000+07:00"))
        #expect(!times.contains { $0.hasPrefix("2026-09-10T20:30") || $0.hasPrefix("2026-09-11T06") })
        #expect(times.last == "2026-09-11T07:30:00.000+07:00", "the last before expiry")
        // Day 1: 07:00 (the hours open), then the hourly grid from 06:30: 07:30 … 19:30; day 2: 07:00, 07:30.
        #expect(times.count == 1 + 13 + 2)
        #expect(times.contains("2026-09-11T07:00:00.000+07:00"))
    }

    @Test func updatesAndCancelsNameWhatTheyReplace() throws {
        let update = try order(cap(msgType: "Update",
                                   references: "canhbao@hanoi.gov.vn,storm-3-0000,2026-09-10T05:00:00+07:00"))
        #expect(update.action == .update(replacing: ["canhbao@hanoi.gov.vn,storm-3-0000"]))
        let cancel = try order(cap(msgType: "Cancel",
                                   references: "canhbao@hanoi.gov.vn,storm-3-0000,2026-09-10T05:00:00+07:00"))
        #expect(cancel.action == .cancel(["canhbao@hanoi.gov.vn,storm-3-0000"]))
        #expect(cancel.airTimes(from: received, to: received.addingTimeInterval(86_400), timeZone: hanoi).isEmpty)
        let orphan = #expect(throws: AlertError.self) { try order(cap(msgType: "Cancel")) }
        #expect(orphan?.kind == .missing && orphan?.subject == "alert/references")
    }

    @Test func exercisesAreLoggedNotAired() throws {
        let o = try order(cap(status: "Exercise"))
        #expect(!o.airs)
        #expect(o.airTimes(from: received, to: received.addingTimeInterval(86_400), timeZone: hanoi).isEmpty)
    }

    @Test(arguments: [
        (cap(geocodes: [("loa:station", "nowhere")]), AlertError.Kind.unknownGeocode, "loa:station"),
        (cap(geocodes: [("loa:group", "mountains")]), .unknownGeocode, "loa:group"),
        (cap(geocodes: [("FIPS6", "006113")]), .noTargets, "alert/info/area/geocode"),
        (cap(urgency: "Soon"), .badValue, "alert/info[1]/urgency"),
        (cap(expires: "2026-09-10T05:00:00+07:00"), .badValue, "alert/info/expires"),
        (cap(effective: "2026-09-09T05:00:00+07:00", expires: "2026-09-09T06:00:00+07:00"), .expired, "alert/info/expires"),
        (cap(parameters: [("loa:repeat", "hourly")]), .badValue, "loa:repeat"),
        (cap(parameters: [("loa:hours", "20:00-07:00")]), .badValue, "loa:hours"),
        (cap(resource: "<resource><resourceDesc>x</resourceDesc><mimeType>audio/mpeg</mimeType><derefUri>AAAA</derefUri>"
             + "<digest>0000000000000000000000000000000000000000</digest></resource>"), .digestMismatch, "resource/digest"),
        (Data(String(decoding: cap(), as: UTF8.self).replacingOccurrences(of: "<event>Bão</event>", with: "").utf8),
         .missing, "alert/info[1]/event"),
        (Data(String(decoding: cap(), as: UTF8.self).replacingOccurrences(of: "<sender>canhbao@hanoi.gov.vn</sender>", with: "").utf8),
         .missing, "alert/sender"),
        (Data("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</identifier>".utf8), .malformed, ""),
        (Data("<alert><identifier>x</identifier></alert>".utf8), .badValue, "alert/@xmlns"),
    ])
    func brokenAlertsAreRefusedNamingTheElement(data: Data, kind: AlertError.Kind, subject: String) {
        let error = #expect(throws: AlertError.self) { try order(data) }
        #expect(error?.kind == kind, "\(error?.localized.en ?? "")")
        if !subject.isEmpty { #expect(error?.subject == subject, "\(error?.localized.en ?? "")") }
    }

    /// External entities and entity expansion are refused before parsing: nothing is fetched, nothing expanded.
    @Test func entityDeclarationsAreRefusedNeverExpanded() {
        let external = """
        <?xml version="1.0"?>
        <!DOCTYPE alert [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&secret;</identifier></alert>
        """
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for i in 1...9 { laughs += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1 == 0 ? "" : String(i - 1));", count: 10) + "\">" }
        laughs += "]>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>&lol9;</identifier></alert>"
        for text in [external, laughs] {
            let started = Date()
            let error = #expect(throws: AlertError.self) { try CAPAlert.parse(Data(text.utf8)) }
            #expect(error?.kind == .forbiddenDeclaration)
            #expect(Date().timeIntervalSince(started) < 1)
        }
    }

    @Test func isoDurations() {
        #expect(ISODuration.seconds("PT1H") == 3600)
        #expect(ISODuration.seconds("PT30M") == 1800)
        #expect(ISODuration.seconds("P1DT2H30M") == 95_400)
        #expect(ISODuration.seconds("PT90S") == 90)
        #expect(ISODuration.seconds("1H") == nil)
        #expect(ISODuration.seconds("PT") == nil)
        #expect(ISODuration.seconds("P1H") == nil)
    }
}
