import Foundation
import LoaCore
import LoaLog
import LoaTestSupport
import Testing

/// `loa emergency` against `loa run` on a device paced in real time (ALSA's jack PCM on a JACK dummy server): a
/// bulletin stays on air as long as it lasts, so the others queue behind it.
@Suite(.serialized) struct EmergencyQueueProcessTests {
    @Test func everyRequestIsAnsweredAtOnceAndSigtermStopsWithinASecondLoggingTheQueueAsMissed() throws {
        let jack = try JackServer()
        defer { jack.stop() }
        let station = try StationProcess(device: "plug:jack", prefix: "loa-queue")
        let bulletin = try station.tone("storm.wav", seconds: 20)
        let send = { (flags: [String]) in
            try station.loa(["emergency", "--audio", bulletin.path, "--station", "xa-thu", "--socket", station.socket]
                            + flags)
        }
        let first = try send([])
        #expect(first.status == 0 && first.out.contains("Emergency bulletin on air at station xa-thu"), "\(first)")
        // While it airs: without --queue refused (409, saying how), with it answered at once with its place.
        let refused = try send([])
        #expect(refused.status == 1 && refused.err.contains("409") && refused.err.contains("queue"), "\(refused)")
        var waits: [Double] = []
        var answers: [String] = []
        for _ in 0..<2 {
            let asked = Date()
            let r = try send(["--queue"])
            waits.append(Date().timeIntervalSince(asked))
            #expect(r.status == 0, "\(r)")
            answers.append(r.out)
        }
        #expect(answers[0].contains("Emergency bulletin queued at station xa-thu: 1 ahead"), "\(answers)")
        #expect(answers[1].contains("queued at station xa-thu: 2 ahead"), "\(answers)")
        #expect(waits.allSatisfy { $0 < 2 }, "\(waits)")   // a whole `loa` process each, not the bulletin's 20 s
        let ids = answers.compactMap { $0.split(separator: "[").last.map { String($0.prefix { $0 != "]" }) } }

        let stop = station.terminate()
        #expect(stop.seconds < 1, "SIGTERM took \(stop.seconds) s")
        #expect(stop.status == 0, "\(stop.stderr)")
        let rows = try AiringLog(path: station.logPath).events()
        #expect(rows.map(\.kind) == [.started, .interrupted, .missed, .missed], "\(rows.map(\.kind))")
        #expect(rows[1].detail == "stopped by operator")
        #expect(rows[2...].allSatisfy { $0.detail == "station stopping" && $0.source == .emergency })
        #expect(Array(rows[2...].map(\.airing)) == ids)
        #expect(stop.stderr.contains("not aired: station stopping"))
        let times = rows.compactMap { Timestamp.parse($0.at) }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "\(rows.map(\.at))")
        #expect(try AiringLog(path: station.logPath).verify().isOK)
    }
}
