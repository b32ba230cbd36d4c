import ArgumentParser
import Foundation
import LoaCore
import LoaHub
import LoaL10n
import LoaPlayout
import LoaSync

/// `loa hub …`: the city's server (SPEC §8) and the commands that talk to it.
public struct HubCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "The city's hub: serve it, make access tokens, publish a plan to it.",
        subcommands: [HubServeCommand.self, HubTokenCommand.self, HubPublishCommand.self, HubAlertCommand.self,
                      HubEmergencyCommand.self])
    public init() {}
}

/// `loa hub serve --data DIR [--listen HOST:PORT]`.
public struct HubServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the hub's HTTP server over a data folder.")

    @Option(help: "The hub's data folder (hub.sqlite, blobs/, hub.key).") var data: String
    @Option(help: "Address to listen on, HOST:PORT.") var listen = "127.0.0.1:8800"
    @Option(help: "Largest request body in bytes (413 beyond).") var maxBody = 256 << 20
    @Option(help: "Keep the state in PostgreSQL (postgresql://USER[:PASS]@HOST[:PORT]/DB) instead of DIR/hub.sqlite.")
    var database: String?

    public init() {}

    public func validate() throws {
        guard HubServer.parseListen(listen) != nil else {
            throw ValidationError(tr("--listen phải có dạng HOST:PORT", "--listen must be HOST:PORT"))
        }
    }

    public func run() async throws {
        let (host, port) = HubServer.parseListen(listen)!
        let hub: HubService
        do { hub = try await HubService.open(data: data, database: database, maxBody: maxBody) } catch {
            throw failure("\(error)")
        }
        let data = self.data
        try await HubServer.run(hub, host: host, port: port) { bound in
            FileHandle.standardError.write(Data(tr("loa hub: đang phục vụ \(data) tại http://\(host):\(bound)",
                                                   "loa hub: serving \(data) on http://\(host):\(bound)").utf8 + [10]))
        }
    }
}

/// `loa hub token --data DIR (--station ID | --admin)`: prints a new bearer token; the hub keeps only its hash.
public struct HubTokenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Print a new access token for a station or an administrator.")

    @Option(help: "The hub's data folder.") var data: String
    @Option(help: "The hub's PostgreSQL database, when it keeps its state there.") var database: String?
    @Option(help: "The station the token speaks for (reaches only that station).") var station: String?
    @Flag(help: "An administrator's token (publish, status, reports).") var admin = false
    @Flag(help: "A token that may only post alerts (a warning centre's feed).") var alerts = false

    public init() {}

    public func validate() throws {
        guard [station != nil, admin, alerts].filter({ $0 }).count == 1 else {
            throw ValidationError(tr("cần đúng một trong --station ID, --admin hoặc --alerts",
                                     "give exactly one of --station ID, --admin or --alerts"))
        }
        if let station, !PlanManifest.isSafeRelativePath(station) || station.contains("/") {
            throw ValidationError(tr("mã đài không hợp lệ: \(station)", "invalid station id: \(station)"))
        }
    }

    public func run() async throws {
        do {
            let hub = try await HubService.open(data: data, database: database)
            print(try await hub.issueToken(station.map { .station($0) } ?? (alerts ? .alerts : .admin)))
        } catch { throw failure("\(error)") }
    }
}

/// `loa hub publish PLAN --hub URL --token-file F`: checks the plan as `loa check` does, uploads the files the hub
/// lacks, makes it the current version and prints the version.
public struct HubPublishCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Check a plan, upload what the hub lacks and make it the current plan.")

    @Argument(help: "The plan file (YAML).") var plan: String
    @Option(help: "The hub's URL, e.g. http://hub.example:8800.") var hub: String
    @Option(help: "A file holding an administrator's token.") var tokenFile: String

    public init() {}

    public func run() async throws {
        let result = loadCheckedPlan(path: plan)
        printDiagnostics(result.diagnostics)
        guard let checked = result.validPlan else {
            throw failure(tr("\(result.errors.count) lỗi trong kế hoạch \(plan): không công bố",
                             "\(result.errors.count) error(s) in plan \(plan): not published"))
        }
        do {
            let client = HubClient(base: hub, token: try HubClient.token(fromFile: tokenFile))
            let outcome = try await PlanPublisher.publish(plan: checked, planFiles: result.files, to: client)
            print(outcome.changed
                  ? tr("Đã công bố phiên bản \(outcome.version) (\(outcome.files) tệp, tải lên \(outcome.uploaded)).",
                       "Published version \(outcome.version) (\(outcome.files) files, \(outcome.uploaded) uploaded).")
                  : tr("Phiên bản \(outcome.version) đã là kế hoạch hiện hành; không có gì thay đổi.",
                       "Version \(outcome.version) is already the current plan; nothing changed."))
        } catch let error as SyncError {
            throw failure(error.description)
        }
    }
}
