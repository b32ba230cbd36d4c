import Foundation
import LoaAlerts
import LoaCore
import Testing

/// The city's emergencies written as CAP 1.2 by `EmergencyDraft` read back by the same parser and mapping as a
/// warning centre's alerts.
@Suite struct EmergencyDraftTests {
    let now = Timestamp.parse("2026-09-10T05:00:00+07:00")!

    func read(_ draft: EmergencyDraft) throws -> (CAPAlert, AlertOrder) {
        let cap = try CAPAlert.parse(draft.capDocument())
        return (cap, try AlertOrder.make(from: cap, stations: ["ba-dinh", "hong-ha"], groups: ["riverside"], receivedAt: now))
    }

    @Test func audioGoesInlineWithItsDigestAndTheRepeatAndHoursAsParameters() throws {
        let audio = Data((0..<5000).map { UInt8($0 % 256) })
        let draft = EmergencyDraft(targets: ["group:riverside", "ba-dinh"], content: .audio(audio, mimeType: "audio/mpeg"),
                                   immediate: false, repeatSeconds: 3600, hours: "07:00-20:00",
                                   expires: now.addingTimeInterval(86_400), headline: "Bão <số 3> & lũ",
                                   sender: "loa-hub", identifier: "loa-0001", sent: now)
        let (cap, order) = try read(draft)
        #expect(cap.key == "loa-hub,loa-0001" && cap.status == .actual && cap.messageType == .alert)
        #expect(cap.infos.first?.headline == "Bão <số 3> & lũ", "escaped and read back")
        #expect(cap.infos.first?.resources.first?.digest == CAPDigest.sha1Hex(audio))
        #expect(order.audio == .bytes(audio, mimeType: "audio/mpeg"))
        #expect(order.targets == [.group("riverside"), .station("ba-dinh")])
        #expect(order.mode == .nextSlot && order.repeatSeconds == 3600 && order.hours == 420...1200)
        #expect(order.expires == now.addingTimeInterval(86_400))
    }

    @Test func textIsSpokenOnceInItsVoiceAndACancelReferencesItsKey() throws {
        let (_, spoken) = try read(EmergencyDraft(targets: ["all"], content: .text("Cháy chợ, tránh xa khu vực", voice: "vi"),
                                                  expires: now.addingTimeInterval(600), sent: now))
        #expect(spoken.audio == .speech(text: "Cháy chợ, tránh xa khu vực", voice: "vi") && spoken.targets == [.all])
        #expect(spoken.mode == .cutIn)
        let (cap, cancel) = try read(EmergencyDraft(cancels: ["loa-hub,loa-0001"], sender: "loa-hub", sent: now))
        #expect(cap.messageType == .cancel && cap.references.map(\.key) == ["loa-hub,loa-0001"])
        #expect(cancel.action == .cancel(["loa-hub,loa-0001"]))
        #expect(EmergencyDraft(sent: now).identifier != EmergencyDraft(sent: now).identifier, "fresh identifiers")
    }
}
