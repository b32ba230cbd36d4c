import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaSync
import LoaTestSupport
import Testing

/// The push's JSON lines, written and read by hand (`EventLines`): the same rows Foundation's coder gives and
/// takes, whatever the escapes, key order or spacing; a malformed line refused naming its number and its fault.
@Suite struct EventLinesTests {
    /// Rows with every kind of text a log can hold: quotes, backslashes, control characters, Vietnamese, an emoji
    /// beyond the BMP, absent fields, a rehearsal, seconds to the millisecond.
    static let rows: [AiringEvent] = [
        AiringEvent(seq: 1, at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a\"1\\", station: "ba-dinh",
                    plan: "p", message: "tin-1", slotStart: "2026-06-01T06:00:00+07:00", source: .schedule,
                    audio: "audio/tin 1.flac", audioSHA256: String(repeating: "ab", count: 32), plannedSeconds: 95,
                    detail: "dòng 1\ndòng 2\t\u{1}\u{1F50A} \"trích\" / \\", prevHash: Chain.genesis,
                    hash: String(repeating: "c", count: 64)),
        AiringEvent(seq: 9_007_199_254_740_993, at: "x", kind: .interrupted, airing: "", station: "s", plan: "",
                    source: .emergency, plannedSeconds: 0.001, playedSeconds: -1.5, prevHash: "", hash: "h",
                    rehearsal: true),
        AiringEvent(seq: 3, at: "t", kind: .missed, airing: "m", station: "s", plan: "p", source: .relay,
                    playedSeconds: 123_456.789, prevHash: "p", hash: "h"),
    ]

    @Test func whatFoundationWritesIsReadAndWhatIsWrittenFoundationReads() throws {
        var foundation = Data()
        for row in Self.rows { foundation.append(try JSONEncoder().encode(row)); foundation.append(10) }
        #expect(try EventLines.decode(foundation) == Self.rows)
        let written = try EventLines.encode(Self.rows)
        let lines = written.split(separator: 10)
        #expect(lines.count == Self.rows.count)
        #expect(try lines.map { try JSONDecoder().decode(AiringEvent.self, from: Data($0)) } == Self.rows)
        #expect(try EventLines.decode(written) == Self.rows)
    }

    @Test func anyKeyOrderSpacingEscapesAndUnknownKeysGiveTheSameRow() throws {
        let line = #"""
             { "hash" : "h", "prev_hash":"p","unknown":{"a":[1,2.5e3,{"b":null}],"c":"}"} , "seq":3,"at":"t",
            """#.replacingOccurrences(of: "\n", with: "")
            + #""kind":"missed","airing":"\u006d","station":"s","plan":"p","message":null,"source":"relay","#
            + #""played_s":123456.789,"detail":null,"also":true}   "#
        let blank = "  \r"
        let decoded = try EventLines.decode(Data((blank + "\n" + line + "\n\n").utf8))
        #expect(decoded == [Self.rows[2]])
        let emoji = try EventLines.decode(Data(#"{"seq":1,"at":"\ud83d\udd0a\u00e2","kind":"started","airing":"a","station":"s","plan":"p","source":"manual","prev_hash":"","hash":""}"#.utf8))
        #expect(emoji.first?.at == "\u{1F50A}â" && emoji.first?.rehearsal == false && emoji.first?.source == .manual)
    }

    @Test func aMalformedLineNamesItsNumberAndItsFault() throws {
        let good = try EventLines.encode([Self.rows[0]])
        let cases: [(String, String)] = [
            (#"{"seq":2,"at":"t","kind":"started","airing":"a","station":"s","plan":"p","source":"manual","prev_hash":""}"#,
             #"field "hash" is missing"#),
            (#"{"seq":"2","at":"t"}"#, #"field "seq" must be a whole number"#),
            (#"{"seq":2.5}"#, #"field "seq" must be a whole number"#),
            (#"{"seq":2,"at":"t","kind":"aired","airing":"a","station":"s","plan":"p","source":"manual","prev_hash":"","hash":""}"#,
             #"kind "aired" is not an event kind"#),
            (#"{"seq":2,"planned_s":"95"}"#, #"field "planned_s" must be a number"#),
            (#"{"seq": 2, oops"#, "bad JSON at character 12"),
            (#"{"seq":2,"at":"t"#, "a string is not closed"),
            (#"{"seq":2} trailing"#, "text after the object"),
            (#"{"seq":2,"at":"\u12"}"#, #"\u lacks digits"#),
            (#"{"seq":2,"at":"\ud83d"}"#, "lone surrogate"),
            (#"{"seq":99999999999999999999}"#, #"field "seq" must be a whole number"#),
        ]
        for (line, fault) in cases {
            do {
                _ = try EventLines.decode(good + Data((line + "\n").utf8))
                Issue.record("accepted: \(line)")
            } catch let error as EventLineFault {
                #expect(error.line == 2, "\(line)")
                #expect(error.reason.en.contains(fault), "\(line): \(error.reason.en)")
                #expect(!error.reason.vi.isEmpty)
            }
        }
        #expect(throws: EventLineFault.self) {
            _ = try EventLines.encode([AiringEvent(at: "t", kind: .started, airing: "a", station: "s", plan: "p",
                                                   plannedSeconds: .infinity)])
        }
    }

    /// Over HTTP: the hub answers a malformed batch with a refusal naming the line and the fault, stores nothing of
    /// it, still takes identical re-sends, and still marks a station diverged on a stored seq with another hash.
    @Test(arguments: StoreKind.allCases) func theHubRefusesAMalformedBatchByLineAndFault(store: StoreKind) async throws {
        let hub = try await RunningHub.start(store)
        defer { Task { await hub.stop() } }
        let rows = try stationLog("ba-dinh", airings: 3).events()
        var body = try EventLines.encode(Array(rows[0..<2]))
        body.append(contentsOf: #"{"seq":3,"at":"t","kind":"started","airing":"a","station":"ba-dinh","plan":"p","source":"schedule","prev_hash":"x"}"#.utf8)
        let (status, answer, _) = try await hub.raw(.POST, "/api/v1/stations/ba-dinh/events",
                                                    token: hub.stationTokens["ba-dinh"], body: body)
        #expect(status == 422)
        let message = refusal(answer)?.message ?? ""
        #expect(message.contains("line 3") && message.contains(#""hash""#), "\(message)")
        #expect(try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 10).isEmpty)
        let client = hub.station("ba-dinh")
        #expect(try await client.push(station: "ba-dinh", rows: rows).through == 6)
        #expect(try await client.push(station: "ba-dinh", rows: rows).through == 6, "an identical re-send is fine")
        var other = rows[2]
        other.detail = "khác"
        other.hash = Chain.hash(other)
        do {
            _ = try await client.push(station: "ba-dinh", rows: [other])
            Issue.record("a stored seq with another hash must mark the station diverged")
        } catch let error as SyncError {
            #expect(error.status == 409, "\(error)")
        }
        let status3 = try await hub.service.store.stations().first { $0.station == "ba-dinh" }
        #expect(status3?.divergedAt == 3 && status3?.lastSeq == 6)
        #expect(try await hub.service.store.events(station: "ba-dinh", afterSeq: 0, limit: 10) == rows)
    }
}
