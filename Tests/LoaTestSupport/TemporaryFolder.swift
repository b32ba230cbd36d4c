import Foundation

/// Folders of the tests' own under the system's temporary folder, all removed when the test process exits, so a
/// run leaves nothing behind however its tests create and hand around their paths.
public enum TemporaryFolders {
    nonisolated(unsafe) private static var made: [URL] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    /// A new, empty folder named `prefix-UUID`.
    public static func make(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        lock.lock(); defer { lock.unlock() }
        made.append(url)
        if !registered {
            registered = true
            atexit { TemporaryFolders.removeAll() }
        }
        return url
    }

    /// Removes every folder made so far (also run at exit).
    public static func removeAll() {
        lock.lock(); let urls = made; made = []; lock.unlock()
        for url in urls { try? FileManager.default.removeItem(at: url) }
    }
}
