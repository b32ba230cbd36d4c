import Foundation
import LoaAlerts
import LoaCore
import LoaL10n
import LoaLog
import LoaPlan

extension HubService {
    /// Takes a CAP 1.2 document (SPEC §9): read and checked by `CAPAlert.parse`, mapped by `AlertOrder.make` against
    /// the current plan's stations and groups, its audio stored as a blob, its targets resolved to station ids, then
    /// stored and announced to the open streams. The same `sender` + `identifier` again answers what was stored
    /// (`created` false) and sends nothing.
    public func acceptAlert(_ xml: Data, subject: String) async throws -> (answer: AlertAnswer, created: Bool) {
        let cap: CAPAlert
        do { cap = try CAPAlert.parse(xml) } catch { throw Self.refused(error, subject: subject) }
        if let held = try await store.alert(key: cap.key) { return (AlertAnswer(held), false) }
        let receivedAt = now()
        let roster = try await currentRoster(subject: subject)
        let order: AlertOrder
        do {
            order = try AlertOrder.make(from: cap, stations: roster.stations, groups: Set(roster.groups.keys),
                                        receivedAt: receivedAt)
        } catch { throw Self.refused(error, subject: subject) }

        let stops: [String], cancelling: Bool
        switch order.action {
        case .air: (stops, cancelling) = ([], false)
        case .update(let keys): (stops, cancelling) = (keys, false)
        case .cancel(let keys): (stops, cancelling) = (keys, true)
        }
        var stopped: [StoredAlert] = []
        for key in stops {
            guard let held = try await store.alert(key: key) else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "alert/references: hub không có bản tin \(key)", en: "alert/references: the hub holds no alert \(key)"))
            }
            stopped.append(held)
        }
        // A Cancel reaches every station that holds what it stops; an alert reaches its own targets.
        let targets = cancelling ? Set(stopped.flatMap(\.targets)).sorted()
            : roster.stations(for: order.targets.map(\.name))
        let (audio, text, voice) = try audioBlob(order.audio, subject: subject)
        let alert = StationAlert(
            seq: 0, key: cap.key, identifier: cap.identifier, sender: cap.sender, action: cancelling ? .cancel : .air,
            stops: stops, airs: order.airs, mode: order.mode, effective: order.effective, expires: order.expires,
            repeatSeconds: order.repeatSeconds, hoursFrom: order.hours?.lowerBound, hoursTo: order.hours?.upperBound,
            audio: audio, text: text, voice: voice, headline: order.headline, receivedAt: receivedAt)
        let (stored, created, previous) = try await store.addAlert(alert, sent: cap.sentText, targets: targets,
                                                                   stopped: cancelling ? .cancelled : .replaced)
        if created { await alerting.feed.publish(try PublishedAlert(stored, previous: previous)) }
        return (AlertAnswer(stored), created)
    }

    /// An `AlertError` as the hub's refusal (422), with LoaAlerts' words naming the element and value.
    static func refused(_ error: any Error, subject: String) -> HubError {
        guard let alertError = error as? AlertError else {
            return HubError(.badRequest, subject: subject, Localized(vi: "\(error)", en: "\(error)"))
        }
        return HubError(alertError.kind == .tooLarge ? .tooLarge : .badRequest, subject: subject, alertError.localized)
    }

    /// The alert's audio as a blob the stations fetch: inline bytes are stored under their SHA-256; a `uri` must be
    /// one of the hub's own blobs (`…/api/v1/blobs/SHA256`), its CAP digest (SHA-1) checked against the bytes held.
    func audioBlob(_ audio: AlertOrder.Audio?, subject: String) throws
        -> (blob: StationAlert.Blob?, text: String?, voice: String?) {
        switch audio {
        case nil: return (nil, nil, nil)
        case .speech(let text, let voice): return (nil, text, voice)
        case .bytes(let bytes, let mimeType):
            let sha = sha256Hex(bytes)
            try blobs.put(bytes, as: sha, subject: subject)
            return (StationAlert.Blob(sha256: sha, size: Int64(bytes.count), mimeType: mimeType), nil, nil)
        case .fetch(let uri, let mimeType, let digest):
            guard let range = uri.range(of: "/api/v1/blobs/"),
                  case let sha = String(uri[range.upperBound...].prefix { $0 != "?" && $0 != "#" }),
                  PlanManifest.isSHA256(sha) else {
                throw HubError(.badRequest, subject: subject, Localized(
                    vi: "resource/uri \(uri): hub chỉ lấy tệp của chính nó (/api/v1/blobs/SHA256)",
                    en: "resource/uri \(uri): the hub fetches only its own blobs (/api/v1/blobs/SHA256)"))
            }
            guard let size = blobs.size(of: sha) else {
                throw HubError(.missingBlob, subject: subject, Localized(
                    vi: "resource/uri: hub không có tệp \(sha); hãy tải lên trước", en: "resource/uri: the hub has no blob \(sha); upload it first"))
            }
            if let digest {
                let bytes = size == 0 ? Data() : try blobs.read(sha, from: 0, through: size - 1)
                let actual = CAPDigest.sha1Hex(bytes)
                guard actual == digest else {
                    throw HubError(.hashMismatch, subject: subject, AlertError(
                        .digestMismatch, at: "resource/digest", "\(digest) ≠ \(actual)").localized)
                }
            }
            return (StationAlert.Blob(sha256: sha, size: size, mimeType: mimeType), nil, nil)
        }
    }

    /// The current plan's stations and groups (cached per version).
    func currentRoster(subject: String) async throws -> RosterCache.Roster {
        guard let manifest = try await store.currentPlan() else {
            throw HubError(.notFound, subject: subject, Localized(
                vi: "hub chưa có kế hoạch nào: không biết đài nào để gửi bản tin",
                en: "the hub has no plan yet: it knows no station to alert"))
        }
        let blobs = self.blobs, folder = scratchFile("roster")
        return try await alerting.roster.roster(for: manifest.version) {
            try Self.loadRoster(manifest, blobs: blobs, folder: URL(fileURLWithPath: folder), subject: subject)
        }
    }

    /// Reads the plan's YAML from the blobs (links, not copies: no audio is read) with `PlanLoader`.
    static func loadRoster(_ manifest: PlanManifest, blobs: BlobStore, folder: URL, subject: String) throws
        -> RosterCache.Roster {
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in manifest.files {
            let target = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: target, withDestinationURL: blobs.url(of: file.sha256))
        }
        guard let plan = PlanLoader.load(file: folder.appendingPathComponent(manifest.plan)).plan else {
            throw HubError(.storeFailed, subject: subject, Localized(
                vi: "kế hoạch hiện hành \(manifest.version) không đọc được", en: "the current plan \(manifest.version) does not read"))
        }
        var groups: [String: [String]] = [:]
        for station in plan.stations { for g in station.groups { groups[g, default: []].append(station.id) } }
        return RosterCache.Roster(version: manifest.version, stations: Set(plan.stations.map(\.id)), groups: groups,
                                  timeZone: plan.timezone)
    }

    /// The alerts `station` should hold after `after`: those still in force (not replaced, cancelled or expired) and
    /// every Cancel.
    public func alerts(for station: String, after: Int64) async throws -> (alerts: [StationAlert], through: Int64) {
        let rows = try await store.alerts(station: station, afterSeq: after)
        let now = now()
        return (rows.filter { $0.stillMatters(at: now) }.map(\.alert), rows.last?.seq ?? after)
    }

    /// Notes that `alerts` were written to `station` now.
    func delivered(_ alerts: [StationAlert], to station: String) async {
        let at = timestamp
        for a in alerts {
            await alerting.deliveries.note(AlertDelivery(seq: a.seq, station: station, at: at), store: store)
        }
    }
}

extension AlertOrder.Target {
    var name: AlertTargetName {
        switch self {
        case .all: .all
        case .group(let g): .group(g)
        case .station(let id): .station(id)
        }
    }
}
