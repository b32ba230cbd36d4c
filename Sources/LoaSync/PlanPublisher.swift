import Foundation
import LoaCore
import LoaL10n
import LoaLog
import LoaPlan

/// `loa hub publish`: the files of a checked plan (the plan file, its includes, every audio file it names) become a
/// manifest; the blobs the hub lacks are uploaded, then the manifest is made current.
public enum PlanPublisher {
    /// What a publish did.
    public struct Outcome: Sendable, Hashable {
        public var version: String
        /// False when the hub already had this version current (re-publishing is a no-op).
        public var changed: Bool
        public var uploaded: Int
        public var files: Int
    }

    /// Every file the plan needs, relative to its folder. A file outside the plan's folder is refused: the station
    /// rebuilds the folder from these paths.
    public static func files(of plan: Plan, planFiles: [URL]) throws -> [URL] {
        var urls = planFiles
        for message in plan.messages { if case .audio = message.content, let url = message.media?.url { urls.append(url) } }
        for station in plan.stations { urls += [station.intro?.url, station.outro?.url, station.fallback?.url].compactMap { $0 } }
        var seen = Set<String>()
        return urls.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    public static func manifest(of plan: Plan, planFiles: [URL]) throws -> (PlanManifest, [String: URL]) {
        let base = plan.baseDirectory.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        var entries: [ManifestFile] = [], locations: [String: URL] = [:]
        for url in try files(of: plan, planFiles: planFiles) {
            guard url.path.hasPrefix(prefix) else {
                throw SyncError(.localFile, subject: url.path, Localized(
                    vi: "tệp nằm ngoài thư mục của kế hoạch (\(base)); hãy đặt nó vào trong",
                    en: "the file lies outside the plan's folder (\(base)); move it inside"))
            }
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw SyncError(.localFile, subject: url.path, Localized(vi: "không đọc được tệp", en: "cannot read the file"))
            }
            let sha = sha256Hex(data)
            entries.append(ManifestFile(path: String(url.path.dropFirst(prefix.count)), sha256: sha, size: Int64(data.count)))
            locations[sha] = url
        }
        let main = String(plan.file.standardizedFileURL.path.dropFirst(prefix.count))
        return (PlanManifest(plan: main, files: entries), locations)
    }

    public static func publish(plan: Plan, planFiles: [URL], to client: HubClient) async throws -> Outcome {
        let (manifest, locations) = try manifest(of: plan, planFiles: planFiles)
        var uploaded = 0
        for sha in Set(manifest.files.map(\.sha256)).sorted() where try await !client.hasBlob(sha) {
            try await client.putBlob(try Data(contentsOf: locations[sha]!), sha256: sha)
            uploaded += 1
        }
        let (version, changed) = try await client.publish(manifest)
        return Outcome(version: version, changed: changed, uploaded: uploaded, files: manifest.files.count)
    }
}
