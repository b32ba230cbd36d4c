import Foundation
import LoaAlerts
import LoaPlayout
import LoaSync

/// `loa run --hub`'s side of the fleet's alerts (issue 17): the listener on the hub's alert stream, its state in the
/// state folder, the audio store, and the daemon's scheduler they feed once it exists.
final class RunAlertLink: Sendable {
    let listener: AlertListener
    let store: AlertAudioStore

    init(client: HubClient, station: String, stateFolder: URL, report: @escaping @Sendable (String) -> Void) {
        store = AlertAudioStore(client: client, folder: stateFolder.appendingPathComponent("alerts"))
        listenerTarget = LateScheduler()
        let late = listenerTarget
        listener = AlertListener(client: client, station: station, folder: stateFolder, report: report) { alerts, replayed in
            late.value?.receive(alerts, replayed: replayed)
        }
    }

    private let listenerTarget: LateScheduler

    /// The JSON poll the hub link makes every round.
    var poll: @Sendable () async -> Void { let listener = self.listener; return { _ = await listener.pollOnce() } }

    /// What the daemon's configuration fetches an alert's audio with.
    var fetch: AlertAudioFetch { let store = self.store; return { blob in try await store.fetch(blob) } }

    /// Hands alerts to `scheduler` from now on, starting with those kept from the last run.
    func start(feeding scheduler: AlertScheduler) {
        listenerTarget.value = scheduler
        listener.start()
    }

    func stop() { listener.stop() }
}

/// The daemon's scheduler, known only once the daemon is built (after the listener).
final class LateScheduler: @unchecked Sendable {
    private let lock = NSLock()
    private var scheduler: AlertScheduler?
    var value: AlertScheduler? {
        get { lock.withLock { scheduler } }
        set { lock.withLock { scheduler = newValue } }
    }
}

extension RunHubOptions {
    /// The alert link of a hub-fed station (nil without `--hub`).
    func alertLink(station: String, stateFolder: URL, report: @escaping @Sendable (String) -> Void) throws -> RunAlertLink? {
        guard let hub, let tokenFile else { return nil }
        do {
            let client = HubClient(base: hub, token: try HubClient.token(fromFile: tokenFile))
            return RunAlertLink(client: client, station: station, stateFolder: stateFolder, report: report)
        } catch let error as SyncError {
            throw failure(error.description)
        }
    }
}
