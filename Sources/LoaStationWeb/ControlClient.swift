import Foundation
import LoaL10n
import LoaPlayout
import LoaSystem

/// A command's side of the control socket: one HTTP/1.1 request per connection to the station's daemon. Before a
/// byte is sent it checks, through the kernel, that the process listening is the folder's owner (or root): a socket
/// someone else planted gets nothing.
public enum ControlClient {
    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
    }

    /// Sends `method path` with `body` to the daemon of `station`; the first candidate socket that exists answers.
    public static func send(_ method: String, _ path: String, body: Data = Data(), contentType: String? = nil,
                            headers: [String: String] = [:], station: String, explicit: String? = nil,
                            timeout: Int = 30) throws(ControlError) -> Answer {
        try send(method, path, body: .bytes(body), contentType: contentType, headers: headers, station: station,
                 explicit: explicit, timeout: timeout)
    }

    /// A request body: bytes in memory, or a file sent as it is read (a bulletin of tens of MB).
    enum Body { case bytes(Data), file(FileHandle, size: Int) }

    static func send(_ method: String, _ path: String, body: Body, contentType: String?, headers: [String: String],
                     station: String, explicit: String?, timeout: Int) throws(ControlError) -> Answer {
        let paths = ControlSocket.candidatePaths(station: station, explicit: explicit)
        var lastError: ControlError?
        for socketPath in paths where FileManager.default.fileExists(atPath: socketPath) {
            do { return try exchange(method, path, body: body, contentType: contentType, headers: headers,
                                     socketPath: socketPath, timeout: timeout) } catch { lastError = error }
        }
        throw lastError ?? ControlError(.noDaemon(station: station, looked: paths), subject: station)
    }

    static func exchange(_ method: String, _ path: String, body: Body, contentType: String?, headers: [String: String],
                         socketPath: String, timeout: Int) throws(ControlError) -> Answer {
        let socket: UnixSocket
        do { socket = try UnixSocket.connect(to: socketPath) } catch {
            throw ControlError(.cannotConnect(error), subject: socketPath)
        }
        defer { socket.close() }
        let folder = URL(fileURLWithPath: socketPath).deletingLastPathComponent().path
        let peer: PeerCredentials
        do { peer = try socket.peerCredentials() } catch { throw ControlError(.system(error), subject: socketPath) }
        let owner = Ownership.of(folder)?.userID
        guard peer.userID == 0 || peer.userID == owner else {
            throw ControlError(.untrustedPeer(userID: peer.userID), subject: socketPath)
        }
        socket.setReceiveTimeout(seconds: timeout)
        // A daemon that refused a body early (too large) stops reading it: give up sending, read its answer.
        socket.setSendTimeout(seconds: 3)
        let length = switch body { case .bytes(let d): d.count; case .file(_, let size): size }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: \(length)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        do {
            switch body {
            case .bytes(let data): try socket.send(Data(head.utf8) + data)
            case .file(let handle, _):
                try? handle.seek(toOffset: 0)   // from its start on every socket tried
                try socket.send(Data(head.utf8))
                while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { try socket.send(chunk) }
            }
        } catch {
            // A daemon refusing the body (too large) answers and hangs up before it is all sent: read its answer.
            socket.setReceiveTimeout(seconds: 1)
            if let raw = socket.readToEnd(limit: 1 << 20, keepOnTimeout: true),
               let answer = try? parse(Data(raw), subject: socketPath) {
                return answer
            }
            throw ControlError(.system(error), subject: socketPath)
        }
        guard let raw = socket.readToEnd(limit: 16 << 20) else {
            throw ControlError(.timedOut(seconds: timeout), subject: socketPath)
        }
        return try parse(Data(raw), subject: socketPath)
    }

    /// Status line, headers (Content-Length or chunked), body.
    static func parse(_ raw: Data, subject: String) throws(ControlError) -> Answer {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else { throw ControlError(.noAnswer, subject: subject) }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self)
        var body = Data(raw[split.upperBound...])
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ControlError(.noAnswer, subject: subject) }
        let chunked = lines.contains { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }
        if chunked { body = dechunk(body) }
        return Answer(status: status, body: body)
    }

    static func dechunk(_ data: Data) -> Data {
        var out = Data(), rest = data[...]
        while let line = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self)
                .split(separator: ";").first ?? "", radix: 16) ?? 0
            if size == 0 { break }
            let start = line.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            let end = rest.index(start, offsetBy: size)
            out.append(rest[start..<end])
            rest = rest[min(rest.endIndex, rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex)...]
        }
        return out
    }

    /// `loa emergency`: the bulletin's bytes (never its path), answered once its `started` is durable, or at once
    /// with `queued` and how many are ahead when it waits its turn (`queue`, or another request just before it).
    public static func sendEmergency(audio: URL, title: String?, replace: Bool = false, queue: Bool = false,
                                     station: String,
                                     explicit: String? = nil, timeout: Int = 60) throws(ControlError) -> EmergencyReply {
        guard let handle = try? FileHandle(forReadingFrom: audio), let end = try? handle.seekToEnd(),
              (try? handle.seek(toOffset: 0)) != nil else {
            throw ControlError(.unreadableAudio, subject: audio.path)
        }
        defer { try? handle.close() }
        let type = switch audio.pathExtension.lowercased() {
        case "flac": "audio/flac"
        case "ogg", "oga": "audio/ogg"
        case "mp3": "audio/mpeg"
        default: "audio/wav"
        }
        var headers: [String: String] = [:]
        if let title { headers["X-Loa-Title"] = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) }
        let query = [replace ? "replace=1" : nil, queue ? "queue=1" : nil].compactMap { $0 }.joined(separator: "&")
        let answer = try send("POST", "/api/v1/emergency" + (query.isEmpty ? "" : "?" + query),
                              body: .file(handle, size: Int(end)), contentType: type, headers: headers, station: station,
                              explicit: explicit, timeout: timeout)
        if let reply = try? JSONDecoder().decode(EmergencyReply.self, from: answer.body), [200, 202].contains(answer.status) {
            return reply
        }
        let failure = try? JSONDecoder().decode([String: String].self, from: answer.body)
        throw ControlError(.refused(status: answer.status, message: tr(failure?["vi"] ?? "?", failure?["en"] ?? "?")),
                           subject: explicit ?? station)
    }
}
