import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoaCore
import LoaPlan
import LoaPlayout
import LoaStationWeb
import Testing

/// Local announcements and slot times through the API: kept in `local.yaml`, laid over the plan at once and after a
/// restart, bad changes refused naming the fault.
@Suite(.serialized) struct LocalChangesTests {
    func tomorrow(_ s: WebStation) -> String { s.daemon.today().adding(days: 1).description }

    func programme(_ b: Browser, _ date: String) async throws -> [[String: Any]] {
        let r = try await b.send("GET", "/api/v1/programme?date=\(date)")
        let slots = r.json["slots"] as? [[String: Any]] ?? []
        return slots
    }

    @Test func aLocalAnnouncementIsKeptInLocalYamlAndAppearsInTomorrowsProgramme() async throws {
        let s = try WebStation(lead: 60, planned: true)
        defer { s.stop() }
        let b = Browser(s.base)
        try await b.login(WebStation.password)
        let day = tomorrow(s)
        let added = try await b.json("POST", "/api/v1/announcements",
                                     ["title": "Họp tổ dân phố số 5", "text": "Kính mời bà con đến họp lúc 19 giờ.",
                                      "voice": "vi", "from": day, "to": day, "count": 2, "per": "day"])
        #expect(added.status == 201)
        let id = try #require((added.json["announcement"] as? [String: Any])?["id"] as? String)
        #expect((added.json["shortfalls"] as? [Any])?.isEmpty == true)
        let slots = try await programme(b, day)
        let titles = slots.flatMap { ($0["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String } }
        #expect(titles.filter { $0 == "Họp tổ dân phố số 5" }.count == 2)
        // In the plan's form, in local.yaml beside the log; read back it is the same announcement.
        let local = try LocalAdditions.read(s.localFile, station: "ba-dinh")
        #expect(local.messages.map(\.id) == [id] && local.messages.first?.text == "Kính mời bà con đến họp lúc 19 giờ.")
        #expect(try String(contentsOf: s.localFile, encoding: .utf8).contains("airings: {count: 2, per: \"day\"}"))
        // The listing shows it; removing it takes it out of the programme.
        let list = try await b.send("GET", "/api/v1/announcements")
        #expect((list.json["announcements"] as? [[String: Any]])?.first?["title"] as? String == "Họp tổ dân phố số 5")
        #expect(try await b.send("DELETE", "/api/v1/announcements/\(id)").status == 200)
        let after = try await programme(b, day)
        #expect(!after.flatMap { ($0["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String } }
            .contains("Họp tổ dân phố số 5"))
        #expect(try await b.send("DELETE", "/api/v1/announcements/\(id)").status == 404)
    }

    @Test func anAnnouncementThatCannotFitIsAcceptedWithItsShortfallAndPathsMayNotLeave() async throws {
        let s = try WebStation(lead: 60, planned: true)
        defer { s.stop() }
        let b = Browser(s.base)
        try await b.login(WebStation.password)
        let day = tomorrow(s)
        // Two slots a day, at most once a slot: 5 a day cannot fit.
        let r = try await b.json("POST", "/api/v1/announcements",
                                 ["title": "Tiêm phòng", "text": "Tiêm phòng dại cho chó mèo.", "from": day, "to": day,
                                  "count": 5, "per": "day"])
        #expect(r.status == 201)
        let shortfall = try #require((r.json["shortfalls"] as? [[String: Any]])?.first)
        #expect(shortfall["required"] as? Int == 5 && shortfall["scheduled"] as? Int == 2)
        #expect(!((shortfall["reason"] as? String) ?? "").isEmpty && !((shortfall["reason_vi"] as? String) ?? "").isEmpty)
        let escape = try await b.json("POST", "/api/v1/announcements",
                                      ["title": "x", "audio": "../../etc/passwd", "from": day, "to": day,
                                       "count": 1, "per": "day"])
        #expect(escape.status == 422 && (escape.json["en"] as? String)?.contains("leaves the state folder") == true)
        let absolute = try await b.json("POST", "/api/v1/announcements",
                                        ["title": "x", "audio": "/etc/passwd", "from": day, "to": day,
                                         "count": 1, "per": "day"])
        #expect(absolute.status == 422)
        let empty = try await b.json("POST", "/api/v1/announcements",
                                     ["title": "x", "text": " ", "from": day, "to": day, "count": 1, "per": "day"])
        #expect(empty.status == 422)
    }

    @Test func slotTimesChangeCheckedAgainstClashesAndAConcurrentEditIsTold() async throws {
        let s = try WebStation(lead: 60, planned: true)
        defer { s.stop() }
        let a = Browser(s.base), b = Browser(s.base)
        try await a.login(WebStation.password)
        try await b.login(WebStation.password)
        let read = try await a.send("GET", "/api/v1/slots")
        let version = try #require(read.json["version"] as? String)
        #expect(read.headers["etag"] == "\"\(version)\"")
        func slots(_ morning: String, _ length: String = "900s") -> [[String: Any]] {
            [["name": "morning", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": morning, "length": length],
             ["name": "evening", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "17:00", "length": "900s"]]
        }
        // Overlap and past midnight are refused naming the clash.
        let clash = try await a.json("PUT", "/api/v1/slots", ["version": version, "slots": slots("16:50")])
        #expect(clash.status == 422)
        #expect(clash.json["en"] as? String == "slot evening (17:00) overlaps slot morning (16:50)")
        let late = try await a.json("PUT", "/api/v1/slots", ["version": version, "slots": slots("23:50", "20m")])
        #expect(late.status == 422 && (late.json["en"] as? String)?.contains("runs past midnight") == true)
        // Two operators at once: the first wins, the second is told.
        let first = try await a.json("PUT", "/api/v1/slots", ["version": version, "slots": slots("06:30")])
        #expect(first.status == 200)
        let second = try await b.json("PUT", "/api/v1/slots", ["version": version, "slots": slots("05:30")])
        #expect(second.status == 412 && (second.json["en"] as? String)?.contains("changed by someone else") == true)
        let day = tomorrow(s)
        let tomorrowSlots = try await programme(a, day)
        #expect((tomorrowSlots.first?["start"] as? String)?.contains("T06:30:00") == true)
        // A restart keeps it: local.yaml laid over the plan again gives the same slots.
        let local = try LocalAdditions.read(s.localFile, station: "ba-dinh")
        #expect(local.slots?.first?.start == "06:30")
        let reloaded = s.daemon.plan.applying(local, folder: s.dir, file: "local.yaml", probe: CachedAudioProbe(), renderer: nil)
        #expect(reloaded.plan.station("ba-dinh")?.slots.first?.start.description == "06:30")
    }
}
