import Foundation
import LoaAudio

/// Text-to-speech: cold renders (espeak-ng + composing the WAV) against cache hits, for bulletins of typical length.
func benchSpeech() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-tts-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let bulletin = "Kính thưa bà con! Trạm y tế phường tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi vào "
        + "sáng thứ bảy hằng tuần. Đề nghị các gia đình đưa trẻ đến đúng giờ và mang theo sổ tiêm chủng."
    let requests = (1...20).map { SpeechRequest(text: "Thông báo số \($0). " + bulletin, repeatCount: 2) }

    let renderer = EspeakRenderer(directory: dir)
    _ = try renderer.engineVersion()
    _ = try renderer.availableVoices()
    var audio = 0.0
    let cold = ContinuousClock().measure {
        for r in requests { audio += (try? renderer.render(r).duration) ?? 0 }
    }
    let warm = ContinuousClock().measure {
        for r in requests { _ = try? renderer.render(r) }
    }
    let fresh = EspeakRenderer(directory: dir)
    let newProcess = ContinuousClock().measure {
        for r in requests { _ = try? fresh.render(r) }
    }
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
    let n = Double(requests.count)
    print(String(format: "tts: %d bulletins, %.0f s of speech; cold %.1f ms/bulletin (%.0f× real time), "
                 + "cache hit %.2f ms/bulletin, new renderer incl. --version/--voices %.2f ms/bulletin; renders %d",
                 requests.count, audio, ms(cold) / n, audio / (ms(cold) / 1e3), ms(warm) / n, ms(newProcess) / n,
                 renderer.renderCount + fresh.renderCount))
}
