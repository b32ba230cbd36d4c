import Foundation
import LoaCore
import LoaL10n
import LoaLog
import LoaTestSupport
import Testing
@testable import LoaCommands

/// What an operator reads under `LANG=vi…`: event kinds, reason codes, argument errors, numbers.
@Suite struct VietnameseTests {
    @Test func numbersUseVietnameseSeparators() {
        #expect(localizedNumber(1713, language: .vi) == "1.713")
        #expect(localizedNumber(1713, language: .en) == "1,713")
        #expect(localizedNumber(1_234_567.5, decimals: 1, language: .vi) == "1.234.567,5")
        #expect(localizedPercent(67.5, of: 100, language: .vi) == "67,5 %")
        #expect(localizedPercent(67.5, of: 100, language: .en) == "67.5%")
        #expect(localizedNumber(0.25, decimals: 3, language: .vi) == "0,250")
    }

    @Test func kindsAndCodesHaveVietnameseWords() {
        #expect(EventKind.allCases.allSatisfy { $0.localized.vi != $0.rawValue })
        #expect(EventKind.finished.localized.en == "finished")
        #expect(shortfallCodeWords("too_few_slots").vi == "quá ít khung giờ")
        #expect(ScheduleCommand.pct(675, 1000).contains(Language.current == .vi ? "67,5" : "67.5"))
    }

    /// The `loa` binary, as an operator runs it with `LANG=vi_VN.UTF-8`.
    @Test(.enabled(if: LoaBinary.url != nil))
    func argumentErrorsAndLogShowAreVietnamese() throws {
        let dir = TemporaryFolders.make("loa-vi")
        let vi = ["LANG": "vi_VN.UTF-8"]
        let (p, _, err) = try LoaBinary.spawn(["run", "plan.yaml", "--clock", "weird", "--station", "s"], in: dir,
                                              environment: vi)
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 2)
        #expect(text.contains("Lỗi: Giá trị 'weird' không hợp lệ cho '--clock <clock>'"), "\(text)")
        #expect(text.contains("Cách dùng: loa run") && !text.contains("for more information"), "\(text)")

        let log = try AiringLog(path: dir.appendingPathComponent("log.sqlite").path)
        let start = AiringEvent(at: "2026-06-01T06:00:00.000+07:00", kind: .started, airing: "a1", station: "ba-dinh",
                                plan: "p", message: "m", plannedSeconds: 8.2)
        var end = start; end.kind = .finished; end.playedSeconds = 1234.5
        try log.append(contentsOf: [start, end])
        try log.checkpoint()
        let (show, out, _) = try LoaBinary.spawn(["log", "show", "log.sqlite"], in: dir, environment: vi)
        let table = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        show.waitUntilExit()
        #expect(table.contains("phát xong") && table.contains("bắt đầu") && table.contains("1.234,500"), "\(table)")
        #expect(!table.contains("finished"))
    }
}
