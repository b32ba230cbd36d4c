import Foundation

/// A listening address as the command line writes it: `HOST:PORT` (`0.0.0.0:8080`, `[::1]:8800`, `:8800`).
public struct HostPort: Sendable, Hashable {
    /// Without brackets; empty when the text gave none (`:8800`), for the caller to default.
    public var host: String
    public var port: Int

    /// Nil when there is no `:PORT` or the port is outside 0…65,535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { return nil }
        host = String(text[..<colon]).trimmingCharacters(in: ["[", "]"])
        self.port = port
    }
}
