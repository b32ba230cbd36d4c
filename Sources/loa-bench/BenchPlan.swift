import LoaCore
import Foundation
import LoaAudio
import LoaCommands
import LoaPlan
import LoaPlayout
import LoaSystem

/// `loa-bench plan`: load and validate a national-size plan (3,321 stations, 300 messages) with cold and warm
/// duration caches. Targets: cold < 1 s, warm < 0.3 s.
func benchPlan() async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bench-plan-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    let planURL = try generateNationalPlan(in: root.appendingPathComponent("plan"), stations: 3321, messages: 300)

    // CPU time is printed beside wall time: on the shared 2-core machine wall time mostly measures the queue.
    func run(cache: URL) -> (seconds: Double, cpu: Double, result: PlanLoadResult) {
        let start = DispatchTime.now().uptimeNanoseconds, cpu0 = threadCPUSeconds()
        let probe = CachedAudioProbe(cache: MediaInfoCache(directory: cache))
        let result = loadCheckedPlan(path: planURL.path, probe: probe)
        probe.cache.save()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, threadCPUSeconds() - cpu0, result)
    }

    var cold: [Double] = [], warm: [Double] = [], coldCPU: [Double] = [], warmCPU: [Double] = []
    for i in 0..<3 {
        let cache = root.appendingPathComponent("cache-\(i)")
        let first = run(cache: cache)
        guard first.result.errors.isEmpty, let plan = first.result.plan else {
            print("plan: generated plan has errors: \(first.result.errors.prefix(3))"); return
        }
        if i == 0 {
            print("plan: \(plan.stations.count) stations, \(plan.messages.count) messages, "
                  + "\(plan.stations.reduce(0) { $0 + $1.slots.count }) slot specs")
        }
        cold.append(first.seconds); coldCPU.append(first.cpu)
        let second = run(cache: cache)
        warm.append(second.seconds); warmCPU.append(second.cpu)
    }
    let median: ([Double]) -> Double = { $0.sorted()[$0.count / 2] }
    print(String(format: "plan: load+validate+media, cold cache: %.3f s wall, %.3f s CPU, median of 3 (target < 1 s)",
                 median(cold), median(coldCPU)))
    print(String(format: "plan: load+validate+media, warm cache: %.3f s wall, %.3f s CPU, median of 3 (target < 0.3 s)",
                 median(warm), median(warmCPU)))

    let t0 = DispatchTime.now().uptimeNanoseconds
    let loaded = PlanLoader.load(file: planURL)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let plan = loaded.plan!.resolvingMedia(probe: CachedAudioProbe(cache: MediaInfoCache(
        directory: root.appendingPathComponent("cache-0")))).plan!
    let t2 = DispatchTime.now().uptimeNanoseconds
    print(String(format: "plan: of which YAML+validation %.3f s, media (warm) %.3f s", Double(t1 - t0) / 1e9,
                 Double(t2 - t1) / 1e9))
    let start = DispatchTime.now().uptimeNanoseconds
    let summary = plan.summary()
    print(String(format: "plan: loa check's per-station summary: %.3f s (%d stations, %d warnings)",
                 Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, summary.stations.count,
                 summary.warnings.count))
}

/// Writes a plan like a national roll-out: 34 provinces, wards on weekday templates, communes daily, a few inline
/// schedules; 300 messages targeting all, provinces, kinds or station lists; each with its own short WAV.
func generateNationalPlan(in dir: URL, stations: Int, messages: Int) throws -> URL {
    let audio = dir.appendingPathComponent("audio")
    try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
    for i in 0..<messages { try writeTone(audio.appendingPathComponent("m\(i).wav"), seconds: 1 + Double(i % 20) * 0.1, hz: 200 + Double(i)) }
    for p in 0..<34 { try writeTone(audio.appendingPathComponent("intro-\(p).wav"), seconds: 0.5, hz: 1000 + Double(p)) }
    try writeTone(audio.appendingPathComponent("closing.wav"), seconds: 0.5, hz: 900)

    var y = """
        plan:
          id: national-2026
          title: "Kế hoạch tuyên truyền toàn quốc 2026 (sinh ra để đo)"
          period: {from: 2026-04-01, to: 2026-12-31}
          reports: [2026-06-15, 2026-09-15, 2026-12-15]
        topics:

        """
    for t in 1...14 { y += "  - {id: \"1.\(t)\", title: \"Nhóm chủ đề 1.\(t)\"}\n" }
    y += """
        slot_templates:
          ward-weekday:
            - {name: morning, days: [mon-fri], start: "06:00", length: 15m}
            - {name: evening, days: [mon-fri], start: "17:00", length: 15m}
          commune-daily:
            - {name: morning, days: [t2-cn], start: "05:30", length: 45m}
            - {name: evening, days: [t2-cn], start: "17:00", length: 45m}
        stations:

        """
    for i in 0..<stations {
        let p = i % 34, ward = i % 3 == 0
        y += "  - id: s\(i)\n    name: \"Đài \(i)\"\n    groups: [p\(p), \(ward ? "ward" : "commune")]\n"
        if i % 50 == 7 {
            y += "    slots:\n      - {name: morning, days: [t2-t7], start: \"06:30\", length: 30m}\n"
                + "      - {name: evening, days: [t2-cn], start: \"18:00\", length: 30m}\n"
        } else {
            y += "    slots: \(ward ? "ward-weekday" : "commune-daily")\n"
        }
        y += "    intro: audio/intro-\(p).wav\n    outro: audio/closing.wav\n"
        if i % 10 == 0 { y += "    closed: [2026-09-02]\n" }
    }
    y += "messages:\n"
    let pers = ["week", "month", "quarter", "window", "week"]
    for i in 0..<messages {
        let targets: String = switch i % 4 {
        case 0: "[all]"
        case 1: "[group:p\(i % 34)]"
        case 2: "[group:\(i % 8 == 2 ? "ward" : "commune")]"
        default: "[s\(i), s\(i + 34), s\(i + 68), group:p\((i + 5) % 34)]"
        }
        let month = 4 + i % 9
        y += """
              - id: m\(i)
                title: "Tin số \(i)"
                topic: "1.\(1 + i % 14)"
                audio: audio/m\(i).wav
                priority: \(i % 50 == 0 ? "emergency" : i % 7 == 0 ? "priority" : "normal")
                from: 2026-\(month < 10 ? "0" : "")\(month)-01
                airings: {count: \(1 + i % 3), per: \(pers[i % pers.count])}
                targets: \(targets)

            """
        if i % 5 == 1 { y += "    slots: [evening]\n" }
    }
    let url = dir.appendingPathComponent("national.yaml")
    try y.write(to: url, atomically: true, encoding: .utf8)
    return url
}

func threadCPUSeconds() -> Double { ProcessClocks.threadCPUSeconds() }

/// A 16-bit mono 8 kHz WAV sine, written directly so the bench needs no external tool.
func writeTone(_ url: URL, seconds: Double, hz: Double) throws {
    let rate = 8000, frames = Int(seconds * Double(rate))
    var data = Data()
    func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
    func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
    data.append(contentsOf: Array("RIFF".utf8)); u32(36 + frames * 2)
    data.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
    data.append(contentsOf: Array("data".utf8)); u32(frames * 2)
    for n in 0..<frames {
        let v = Int16(8000 * sin(2 * Double.pi * hz * Double(n) / Double(rate)))
        withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
    }
    try data.write(to: url)
}
