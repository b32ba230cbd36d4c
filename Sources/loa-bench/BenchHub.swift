import Foundation
import LoaCore
import LoaHub
import LoaLog
import LoaPlan
import LoaPlayout
import LoaSync

/// `loa-bench hub`: a city's year of rows pushed over HTTP into the SQLite hub (every hash checked), one 304 for an
/// unchanged plan, a station's first full sync of the sample plan, the hub's peak memory.
enum BenchHub {
    /// `hub` served in-process on a free loopback port: its base URL and the serving task (cancel it to stop).
    static func serve(_ hub: HubService) async -> (String, Task<Void, any Error>)? {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            try await HubServer.run(hub, host: "127.0.0.1", port: 0, gracefulShutdownSignals: false) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { server.cancel(); return nil }
        return ("http://127.0.0.1:\(port)", server)
    }

    static func run() async throws {
        let dir = try BenchLogReport.benchDir("hub")
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        let hub = try HubService.open(data: dir.appendingPathComponent("data").path)
        let admin = try await hub.issueToken(.admin)
        guard let (base, server) = await serve(hub) else { return }
        defer { server.cancel() }
        BenchLogReport.resetPeakMemory()

        // A city's year: 126 stations, each its own chained log, made in memory before the clock starts.
        let year = DateRange(from: CivilDate("2026-01-01")!, to: CivilDate("2026-12-31")!)
        let plan = BenchLogReport.syntheticPlan(stations: 126, year: year)
        var logs: [(String, [AiringEvent])] = []
        for station in plan.stations {
            var rows: [AiringEvent] = [], prev = Chain.genesis
            BenchLogReport.forEachEvent(plan: plan, station: station, year: year) { e in
                var row = e
                row.seq = Int64(rows.count + 1); row.prevHash = prev; row.hash = Chain.hash(row); prev = row.hash
                rows.append(row)
            }
            logs.append((station.id, rows))
        }
        let tokens = try await ingest(hub, base: base, logs: logs, label: "SQLite")
        try await BenchHubReport.run(hub, base: base, admin: admin, dir: dir, year: year)
        if let url = ProcessInfo.processInfo.environment["LOA_BENCH_POSTGRES_URL"] {
            let pg = HubService(store: try await PostgresHubStore(url: url), blobs: hub.blobs, key: hub.key)
            let (pgPorts, pgContinuation) = AsyncStream.makeStream(of: Int.self)
            let pgServer = Task {
                try await HubServer.run(pg, host: "127.0.0.1", port: 0, gracefulShutdownSignals: false) { pgContinuation.yield($0) }
            }
            defer { pgServer.cancel() }
            var pgIterator = pgPorts.makeAsyncIterator()
            if let pgPort = await pgIterator.next() {
                let pgBase = "http://127.0.0.1:\(pgPort)"
                _ = try await ingest(pg, base: pgBase, logs: logs, label: "PostgreSQL")
                try await BenchHubReport.run(pg, base: pgBase, admin: try await pg.issueToken(.admin), dir: dir, year: year,
                                             store: "PostgreSQL")
            }
        }

        // The sample plan: published, then a station's first full sync and an unchanged check.
        let loaded = loadCheckedPlan(path: "playlists/hanoi-2026.yaml")
        if let sample = loaded.validPlan {
            _ = try await PlanPublisher.publish(plan: sample, planFiles: loaded.files, to: HubClient(base: base, token: admin))
            let cacheDir = dir.appendingPathComponent("cache")
            try? FileManager.default.removeItem(at: cacheDir)
            let cache = PlanCache(folder: cacheDir)
            let station = HubClient(base: base, token: tokens["st-0"]!)
            let t0 = DispatchTime.now()
            let fetched = try await cache.sync(with: station)
            let firstSync = BenchLogReport.elapsed(since: t0)
            let t1 = DispatchTime.now()
            let again = try await station.manifest(ifNoneMatch: fetched.manifest.version)
            let check = BenchLogReport.elapsed(since: t1)
            let bytes = fetched.manifest.files.reduce(0) { $0 + $1.size }
            print(String(format: "hub first sync of the sample plan: %d files, %.1f MB in %.3f s; unchanged check: %@ in %.1f ms",
                         fetched.manifest.files.count, Double(bytes) / 1e6, firstSync, again == .unchanged ? "304" : "NOT 304",
                         check * 1000))
        }
        try await nationsDay(dir)
        print("hub peak memory (hub, 126 stations' rows in memory, client): \(BenchLogReport.peakMemoryMB()) MB")
    }

    /// Four stations push at once, 5,000 rows a batch, each station's rows in order; prints rows/s.
    static func ingest(_ hub: HubService, base: String, logs: [(String, [AiringEvent])], label: String) async throws
        -> [String: String] {
        var tokens: [String: String] = [:]
        for (station, _) in logs { tokens[station] = try await hub.issueToken(.station(station)) }
        let total = logs.reduce(0) { $0 + $1.1.count }
        let start = DispatchTime.now(), cpu0 = BenchLogReport.cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < logs.count else { return }
                let (station, rows) = logs[next]; next += 1
                let client = HubClient(base: base, token: tokens[station]!)
                group.addTask {
                    for from in stride(from: 0, to: rows.count, by: 5000) {
                        _ = try await client.push(station: station, rows: Array(rows[from..<min(from + 5000, rows.count)]))
                    }
                }
            }
            for _ in 0..<4 { add() }
            while try await group.next() != nil { add() }
        }
        let seconds = BenchLogReport.elapsed(since: start), cpu = BenchLogReport.cpuSeconds() - cpu0
        print(String(format: "hub ingest (%@): %d rows from %d stations in %.2f s wall (%.2f s CPU of this process: client and hub): %.0f rows/s",
                     label, total, logs.count, seconds, cpu, Double(total) / seconds))
        return tokens
    }

    /// A nation's day: 3,321 stations each push one day of events (about 17 rows), 200 at once, into a fresh SQLite hub.
    static func nationsDay(_ dir: URL) async throws {
        // The hub runs as its own process (`loa hub serve`, release), so its peak memory is its own.
        let data = dir.appendingPathComponent("nation")
        try? FileManager.default.removeItem(at: data)
        let hub = try HubService.open(data: data.path)
        guard let loa = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("loa") else { return }
        let server = Process()
        server.executableURL = loa
        server.arguments = ["hub", "serve", "--data", data.path, "--listen", "127.0.0.1:0"]
        let err = Pipe()
        server.standardError = err
        try server.run()
        defer { server.terminate() }
        var said = ""
        while !said.contains("http://") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { return }
            said += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = said.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
              let port = Int(said[range].split(separator: ":").last ?? "") else { return }
        let day = DateRange(from: CivilDate("2026-06-01")!, to: CivilDate("2026-06-01")!)
        let plan = BenchLogReport.syntheticPlan(stations: 3321, year: day)
        var logs: [(String, [AiringEvent], String)] = []
        for station in plan.stations {
            var rows: [AiringEvent] = [], prev = Chain.genesis
            BenchLogReport.forEachEvent(plan: plan, station: station, year: day) { e in
                var row = e
                row.seq = Int64(rows.count + 1); row.prevHash = prev; row.hash = Chain.hash(row); prev = row.hash
                rows.append(row)
            }
            logs.append((station.id, rows, try await hub.issueToken(.station(station.id))))
        }
        let total = logs.reduce(0) { $0 + $1.1.count }
        let base = "http://127.0.0.1:\(port)"
        let start = DispatchTime.now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < logs.count else { return }
                let (station, rows, token) = logs[next]; next += 1
                group.addTask { _ = try await HubClient(base: base, token: token).push(station: station, rows: rows) }
            }
            for _ in 0..<200 { add() }
            while try await group.next() != nil { add() }
        }
        let seconds = BenchLogReport.elapsed(since: start)
        let held = try await hub.store.stations().filter { $0.lastSeq > 0 }.count
        let status = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map(String.init) ?? "VmHWM: ?"
        print(String(format: "hub nation's day: %d stations, %d rows, all acknowledged in %.2f s (%d stations held at the hub); hub process peak memory %@",
                     logs.count, total, seconds, held, peak.replacingOccurrences(of: "VmHWM:", with: "").trimmingCharacters(in: .whitespaces)))
    }
}
