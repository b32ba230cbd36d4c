import Foundation
import HummingbirdBcrypt
import LoaL10n
import LoaPlayout
import LoaSystem

/// The operators' password (bcrypt, in the state folder), their sessions and the brakes on guessing: what TCP
/// requests must pass. The Unix socket needs none of it: its folder's permissions decide who may connect.
public final class OperatorAccess: Sendable {
    /// A signed-in browser: its cookie token, the token its form posts must carry, when it lapses.
    struct Session { var csrf: String; var expires: Date }
    struct Failures { var count: Int; var last: Date }

    public let passwordFile: URL
    /// How long a session lives after sign-in.
    public let lifetime: TimeInterval
    /// Wrong passwords from one address before it must wait; the wait doubles with each further one (max 5 min).
    public let freeAttempts: Int
    private let sessions = Locked<[String: Session]>([:])
    private let failures = Locked<[String: Failures]>([:])
    private let report: @Sendable (String) -> Void

    public init(passwordFile: URL, lifetime: TimeInterval = 8 * 3600, freeAttempts: Int = 5,
                report: @escaping @Sendable (String) -> Void) {
        self.passwordFile = passwordFile; self.lifetime = lifetime; self.freeAttempts = freeAttempts
        self.report = report
    }

    /// The password file for a station in its state folder.
    public static func passwordFile(state: URL, station: String) -> URL {
        state.appendingPathComponent("\(station).passwd")
    }

    /// Writes the bcrypt hash of `password`, readable by its owner only.
    public static func setPassword(_ password: String, file: URL, cost: UInt8 = 11) throws {
        let hash = Bcrypt.hash(password, cost: cost)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = file.appendingPathExtension("new")
        _ = FileManager.default.createFile(atPath: temp.path, contents: Data((hash + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        // rename(2): the old hash or the new one, never a half-written file (FileManager's replaceItemAt fails
        // here on Linux when the target exists).
        guard rename(temp.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }

    public enum LoginResult: Sendable, Equatable {
        case signedIn(token: String, csrf: String)
        case wrong
        case noPassword
        /// Too many wrong passwords from this address: try again after this many seconds.
        case wait(seconds: Int)
    }

    /// Checks a password from `address`; bcrypt runs off the server's threads.
    public func login(password: String, from address: String) async -> LoginResult {
        let now = Date()
        if let f = failures.withLock({ $0[address] }), f.count >= freeAttempts {
            let wait = min(300, 1 << min(f.count - freeAttempts, 8))
            let left = f.last.addingTimeInterval(TimeInterval(wait)).timeIntervalSince(now)
            if left > 0 { return .wait(seconds: Int(left.rounded(.up))) }
        }
        guard let stored = try? String(contentsOf: passwordFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !stored.isEmpty else { return .noPassword }
        let ok = await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: Bcrypt.verify(password, hash: stored)) }
        }
        guard ok else {
            let n = failures.withLock { f -> Int in
                let n = (f[address]?.count ?? 0) + 1
                f[address] = Failures(count: n, last: Date())
                return n
            }
            report(tr("loa: sai mật khẩu từ \(address) (lần \(n))", "loa: wrong password from \(address) (\(n) in a row)"))
            return .wrong
        }
        failures.withLock { $0[address] = nil }
        let token = Self.randomToken(), csrf = Self.randomToken()
        sessions.withLock { s in
            s = s.filter { $0.value.expires > now }   // forget lapsed ones as new ones come
            s[token] = Session(csrf: csrf, expires: now.addingTimeInterval(lifetime))
        }
        return .signedIn(token: token, csrf: csrf)
    }

    /// The session's CSRF token if `token` names a live session.
    public func session(_ token: String?) -> String? {
        guard let token else { return nil }
        let now = Date()
        return sessions.withLock { s in
            guard let found = s[token] else { return nil }
            if found.expires <= now { s[token] = nil; return nil }
            return found.csrf
        }
    }

    public func logout(_ token: String?) { if let token { sessions.withLock { $0[token] = nil } } }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
