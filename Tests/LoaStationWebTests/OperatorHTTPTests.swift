import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoaCore
import LoaTestSupport
import LoaPlayout
import LoaStationWeb
import Testing

/// The API over real TCP on 127.0.0.1, as a browser sees it: sign-in, sessions, CSRF, limits, bad input.
@Suite(.serialized) struct OperatorHTTPTests {
    @Test func everythingButThePageNeedsASessionAndForgedOrLapsedOnesAreRefused() async throws {
        let s = try WebStation(lead: 60, lifetime: 2)
        defer { s.stop() }
        let b = Browser(s.base)
        // The page itself loads without a session (it shows the sign-in form), small and in Vietnamese.
        let page = try await b.send("GET", "/")
        #expect(page.status == 200 && page.text.contains("Đăng nhập") && page.text.contains("lang=\"vi\""))
        #expect(page.body.count < 100_000)
        #expect(!page.text.contains("http://") && !page.text.contains("https://"))   // nothing from outside the box
        #expect(try await b.send("GET", "/api/v1/status").status == 401)
        b.cookie = "loa_session=" + String(repeating: "ab", count: 32)   // forged
        let forged = try await b.send("GET", "/api/v1/status")
        #expect(forged.status == 401 && forged.json["vi"] as? String == "Cần đăng nhập")
        b.cookie = nil
        #expect(try await b.login(WebStation.password).status == 200)
        let status = try await b.send("GET", "/api/v1/status")
        #expect(status.status == 200 && (status.json["station"] as? String) == "ba-dinh")
        #expect(status.json.keys.contains("now"))   // null, present
        // A session lapses.
        try await Task.sleep(for: .seconds(2.2))
        #expect(try await b.send("GET", "/api/v1/status").status == 401)
    }

    @Test func wrongPasswordsAreRefusedThenSlowedAndLogged() async throws {
        let s = try WebStation(lead: 60)
        defer { s.stop() }
        let b = Browser(s.base)
        for _ in 0..<3 {
            let r = try await b.login("wrong-password")
            #expect(r.status == 401 && r.json["en"] as? String == "Wrong password")
        }
        // The fourth try, even with the right password, must wait.
        let slowed = try await b.login(WebStation.password)
        #expect(slowed.status == 429)
        #expect(Int(slowed.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect((slowed.json["vi"] as? String)?.contains("thử lại sau") == true)
        #expect(s.problems.current.filter { $0.contains("wrong password from 127.0.0.1") }.count == 3)
        try await Task.sleep(for: .seconds(1.1))
        #expect(try await b.login(WebStation.password).status == 200)
    }

    @Test func formPostsNeedTheSessionsCSRFToken() async throws {
        let s = try WebStation(lead: 60)
        defer { s.stop() }
        let b = Browser(s.base)
        try await b.login(WebStation.password)
        let noToken = try await b.send("DELETE", "/api/v1/emergency", csrf: false)
        #expect(noToken.status == 403 && (noToken.json["en"] as? String)?.contains("CSRF") == true)
        let wrongToken = try await b.send("DELETE", "/api/v1/emergency", csrf: false, headers: ["X-CSRF-Token": "x"])
        #expect(wrongToken.status == 403)
        // With the token the request goes through (nothing on air to stop: 404).
        #expect(try await b.send("DELETE", "/api/v1/emergency").status == 404)
    }

    @Test func uploadsAndTextsOutsideTheLimitsAreRefusedInWords() async throws {
        var limits = WebLimits()
        limits.audioBytes = 64 << 10; limits.textCharacters = 200
        let s = try WebStation(lead: 60, limits: limits)
        defer { s.stop() }
        let b = Browser(s.base)
        try await b.login(WebStation.password)
        let notAudio = try await b.send("POST", "/api/v1/emergency", body: Data("<html>not audio</html>".utf8),
                                        type: "audio/wav")
        #expect(notAudio.status == 415 && (notAudio.json["en"] as? String)?.contains("not audio") == true)
        let big = try await b.send("POST", "/api/v1/emergency", body: sineWAV(seconds: 5), type: "audio/wav")
        #expect(big.status == 413 && (big.json["en"] as? String)?.contains("at most") == true)
        let empty = try await b.json("POST", "/api/v1/emergency", ["text": "   ", "voice": "vi"])
        #expect(empty.status == 400 && (empty.json["vi"] as? String)?.contains("trống") == true)
        let long = try await b.json("POST", "/api/v1/emergency", ["text": String(repeating: "bão ", count: 100)])
        #expect(long.status == 413 && (long.json["en"] as? String)?.contains("at most 200") == true)
        let voice = try await b.json("POST", "/api/v1/emergency", ["text": "Bão", "voice": "../../etc/passwd"])
        #expect(voice.status == 400)
        let type = try await b.send("POST", "/api/v1/emergency", body: Data("x".utf8), type: "text/plain")
        #expect(type.status == 415)
        // Nothing was aired or logged by any of them, and nothing was left in the spool.
        #expect(try s.log.events().allSatisfy { $0.source != .emergency })
        let spool = (try? FileManager.default.contentsOfDirectory(atPath: s.dir.appendingPathComponent("emergency").path)) ?? []
        #expect(spool.isEmpty)
    }

    @Test func theEventStreamCarriesEachLoggedEventAndTheStatus() async throws {
        let s = try WebStation(lead: 1.0)
        defer { s.stop() }
        let b = Browser(s.base)
        try await b.login(WebStation.password)
        var request = URLRequest(url: URL(string: s.base + "/api/v1/events")!)
        request.setValue(b.cookie, forHTTPHeaderField: "Cookie")
        let reader = StreamReader()
        let session = URLSession(configuration: .ephemeral, delegate: reader, delegateQueue: nil)
        session.dataTask(with: request).resume()
        #expect(s.waitFor(8) { reader.text.contains("event: airing") && reader.text.contains("\"kind\":\"started\"") })
        #expect(reader.text.contains("event: status"))
        #expect(reader.text.contains("\"station\":\"ba-dinh\""))
        session.invalidateAndCancel()
    }
}

/// Collects a streaming response as it arrives.
final class StreamReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock(); self.data.append(data); lock.unlock()
    }
}
