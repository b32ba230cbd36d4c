import Foundation
import LoaCore
import LoaL10n
import LoaLog

/// A station's copy of the plans the hub served (`--plan-cache DIR`): `blobs/SHA` (each checked against its
/// SHA-256), `plans/VERSION/…` (the plan folder rebuilt from the manifest's paths) and `current.json` (the manifest
/// of the last good plan: every file present and checked, and the plan loaded without errors) and `fetched.json` (the
/// last version fetched whole, good or not, so a bad plan is not fetched again and again). A station always has a
/// whole last good plan to air from, even with the hub away or a bad plan published.
public struct PlanCache: Sendable {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    /// The plan fetched whole, ready to load.
    public struct Fetched: Sendable, Hashable {
        public var manifest: PlanManifest
        /// The main plan file inside `plans/VERSION/`.
        public var planFile: URL
        /// False when the hub answered 304 (or the version was already cached).
        public var isNew: Bool
        /// Blobs downloaded this time.
        public var downloaded: Int
    }

    /// The last good plan, or nil.
    public func current() -> PlanManifest? { read("current.json") }

    /// The last plan fetched whole (good or not), or nil.
    public func fetched() -> PlanManifest? { read("fetched.json") ?? current() }

    /// Records `manifest` as the last good plan (its folder loaded without errors).
    public func markGood(_ manifest: PlanManifest) throws {
        try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent("current.json"), options: .atomic)
    }

    func read(_ name: String) -> PlanManifest? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
        return try? JSONDecoder().decode(PlanManifest.self, from: data)
    }

    public func planFile(of manifest: PlanManifest) -> URL {
        folder.appendingPathComponent("plans").appendingPathComponent(manifest.version).appendingPathComponent(manifest.plan)
    }

    /// Asks the hub for the plan (one 304 when unchanged), downloads the blobs missing here (resuming a partial one
    /// with `Range`), checks each SHA-256, rebuilds the plan folder, and records it as fetched; the caller loads
    /// it and calls `markGood` when it has no errors.
    public func sync(with client: HubClient) async throws -> Fetched {
        let held = fetched()
        switch try await client.manifest(ifNoneMatch: held?.version, inUse: current()?.version) {
        case .unchanged:
            guard let held else {
                throw SyncError(.badAnswer, subject: "GET \(client.base)/api/v1/plan", Localized(
                    vi: "hub trả lời 304 nhưng đài chưa có kế hoạch nào", en: "the hub answered 304 but no plan is cached"))
            }
            return Fetched(manifest: held, planFile: planFile(of: held), isNew: false, downloaded: 0)
        case .manifest(let manifest):
            try check(manifest, subject: "GET \(client.base)/api/v1/plan")
            var downloaded = 0
            for file in manifest.files where try !hasBlob(file) {
                try await download(file, client: client)
                downloaded += 1
            }
            try materialize(manifest)
            try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent("fetched.json"), options: .atomic)
            return Fetched(manifest: manifest, planFile: planFile(of: manifest), isNew: manifest.version != held?.version,
                           downloaded: downloaded)
        }
    }

    func check(_ manifest: PlanManifest, subject: String) throws {
        for file in manifest.files where !PlanManifest.isSafeRelativePath(file.path) || !PlanManifest.isSHA256(file.sha256) {
            throw SyncError(.badAnswer, subject: subject, Localized(
                vi: "bản kê của hub có tệp không hợp lệ '\(file.path)'", en: "the hub's manifest names an invalid file '\(file.path)'"))
        }
        guard PlanManifest.isSafeRelativePath(manifest.plan), !manifest.version.contains("/") else {
            throw SyncError(.badAnswer, subject: subject, Localized(
                vi: "bản kê của hub không hợp lệ", en: "the hub's manifest is not valid"))
        }
    }

    func blobURL(_ sha: String) -> URL { folder.appendingPathComponent("blobs").appendingPathComponent(sha) }

    func hasBlob(_ file: ManifestFile) throws -> Bool {
        guard let data = try? Data(contentsOf: blobURL(file.sha256)) else { return false }
        return data.count == file.size && sha256Hex(data) == file.sha256
    }

    /// Appends to `SHA.part` from its current size (Range), then checks the whole file's hash before naming it.
    func download(_ file: ManifestFile, client: HubClient) async throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        let part = blobURL(file.sha256).appendingPathExtension("part")
        var have = (try? Data(contentsOf: part)) ?? Data()
        if have.count >= file.size { have = Data() }
        let rest = try await client.blob(file.sha256, from: Int64(have.count))
        have.append(rest)
        try have.write(to: part)
        guard have.count == file.size, sha256Hex(have) == file.sha256 else {
            try? fm.removeItem(at: part)
            throw SyncError(.hashMismatch, subject: "GET \(client.base)/api/v1/blobs/\(file.sha256)", Localized(
                vi: "tệp '\(file.path)' tải về có SHA-256 \(sha256Hex(have)), không khớp bản kê",
                en: "file '\(file.path)' arrived with SHA-256 \(sha256Hex(have)), not the manifest's"))
        }
        _ = try? fm.removeItem(at: blobURL(file.sha256))
        try fm.moveItem(at: part, to: blobURL(file.sha256))
    }

    func materialize(_ manifest: PlanManifest) throws {
        let fm = FileManager.default
        let root = folder.appendingPathComponent("plans").appendingPathComponent(manifest.version)
        for file in manifest.files {
            let target = root.appendingPathComponent(file.path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = try? fm.removeItem(at: target)
            try fm.copyItem(at: blobURL(file.sha256), to: target)
        }
    }
}
