/// Server-Sent Events as a client reads them (the WHATWG rules Loa's hub needs): lines `field: value`, an event
/// ends at a blank line, lines starting with `:` are comments. Feed it bytes as they arrive.
public struct SSEParser: Sendable {
    public struct Event: Sendable, Hashable {
        public var id: String?
        public var event: String?
        public var data: String
        /// True for a comment line (the hub's heartbeat), which carries no event.
        public var isComment: Bool
    }

    private var pending: [UInt8] = []
    private var current = Event(id: nil, event: nil, data: "", isComment: false)
    private var sawField = false

    public init() {}

    /// The events and comments completed by `bytes`.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var out: [Event] = []
        for byte in bytes {
            guard byte == 10 else { pending.append(byte); continue }
            if pending.last == 13 { pending.removeLast() }
            let line = String(decoding: pending, as: UTF8.self)
            pending.removeAll(keepingCapacity: true)
            if line.isEmpty {
                if sawField, !current.data.isEmpty { out.append(current) }
                current = Event(id: nil, event: nil, data: "", isComment: false)
                sawField = false
            } else if line.hasPrefix(":") {
                out.append(Event(id: nil, event: nil, data: String(line.dropFirst()).trimmingPrefix(" "), isComment: true))
            } else {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? String(parts[1]).trimmingPrefix(" ") : ""
                switch parts[0] {
                case "id": current.id = value
                case "event": current.event = value
                case "data": current.data += (current.data.isEmpty ? "" : "\n") + value
                default: break
                }
                sawField = true
            }
        }
        return out
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
