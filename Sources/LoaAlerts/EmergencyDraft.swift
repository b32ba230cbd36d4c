import Crypto
import Foundation
import LoaCore

/// The city's own emergency, as `loa hub emergency` and the officials' page describe it, written as a CAP 1.2
/// document (`capDocument()`), so every emergency reaches the hub the way a warning centre's alert does. One builder
/// for both faces.
public struct EmergencyDraft: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// Audio bytes, sent inline (base64 `derefUri`) with their SHA-1 `digest`.
        case audio(Data, mimeType: String)
        /// Read by text-to-speech at the stations, in `voice` (`vi` or `en`).
        case text(String, voice: String)
    }

    /// `all`, `group:NAME` or a station id, as `--targets` and the page's form name them.
    public var targets: [String]
    public var content: Content?
    /// True: cut in at once (CAP urgency Immediate); false: first in the next slot (Expected).
    public var immediate: Bool
    /// Air again every this many seconds (`loa:repeat`); needs `expires`.
    public var repeatSeconds: Int?
    /// `loa:hours`, e.g. `07:00-20:00`.
    public var hours: String?
    public var expires: Date?
    public var headline: String?
    /// Keys (`sender,identifier`) this draft cancels: a Cancel message, with no content or targets.
    public var cancels: [String]
    public var sender: String
    public var identifier: String
    public var sent: Date

    public init(targets: [String] = [], content: Content? = nil, immediate: Bool = true, repeatSeconds: Int? = nil,
                hours: String? = nil, expires: Date? = nil, headline: String? = nil, cancels: [String] = [],
                sender: String = "loa-hub", identifier: String = EmergencyDraft.newIdentifier(), sent: Date) {
        self.targets = targets; self.content = content; self.immediate = immediate
        self.repeatSeconds = repeatSeconds; self.hours = hours; self.expires = expires; self.headline = headline
        self.cancels = cancels; self.sender = sender; self.identifier = identifier; self.sent = sent
    }

    /// `loa-` and 12 random hex digits: unique enough that two officials never send the same key.
    public static func newIdentifier() -> String {
        "loa-" + (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    public var key: String { "\(sender),\(identifier)" }

    /// The CAP 1.2 XML. Every text is escaped; the document has no DOCTYPE.
    public func capDocument() -> Data {
        let sentText = Timestamp.format(sent, utcOffsetSeconds: 0)
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="\(CAPAlert.namespace)">
          <identifier>\(escape(identifier))</identifier>
          <sender>\(escape(sender))</sender>
          <sent>\(sentText)</sent>
          <status>Actual</status>
          <msgType>\(cancels.isEmpty ? "Alert" : "Cancel")</msgType>
          <scope>Public</scope>

        """
        if !cancels.isEmpty {
            // CAP names each reference `sender,identifier,sent`; the hub matches on the first two.
            xml += "  <references>\(cancels.map { escape("\($0),\(sentText)") }.joined(separator: " "))</references>\n"
        }
        let voice: String = if case .text(_, let v) = content { v } else { "vi" }
        xml += """
          <info>
            <language>\(voice == "en" ? "en-US" : "vi-VN")</language>
            <category>Safety</category>
            <event>\(cancels.isEmpty ? "Khẩn cấp" : "Hủy khẩn cấp")</event>
            <urgency>\(immediate ? "Immediate" : "Expected")</urgency>
            <severity>Severe</severity>
            <certainty>Observed</certainty>

        """
        if let expires { xml += "    <expires>\(Timestamp.format(expires, utcOffsetSeconds: 0))</expires>\n" }
        let said: String? = if case .text(let t, _) = content { t } else { nil }
        // The stations speak headline + description: the text goes in once.
        if let headline { xml += "    <headline>\(escape(headline))</headline>\n" }
        if let said { xml += "    <description>\(escape(said))</description>\n" }
        if let repeatSeconds { xml += parameter("loa:repeat", "PT\(repeatSeconds)S") }
        if let hours { xml += parameter("loa:hours", hours) }
        if case .audio(let bytes, let mimeType) = content {
            let digest = CAPDigest.sha1Hex(bytes)
            xml += """
                <resource><resourceDesc>Bản tin khẩn cấp</resourceDesc><mimeType>\(escape(mimeType))</mimeType>
                  <size>\(bytes.count)</size><digest>\(digest)</digest>
                  <derefUri>\(bytes.base64EncodedString())</derefUri></resource>

            """
        }
        xml += "    <area><areaDesc>Loa</areaDesc>"
        for target in targets {
            let (name, value) = target == "all" ? ("loa:group", "all")
                : target.hasPrefix("group:") ? ("loa:group", String(target.dropFirst(6))) : ("loa:station", target)
            xml += "<geocode><valueName>\(name)</valueName><value>\(escape(value))</value></geocode>"
        }
        xml += "</area>\n  </info>\n</alert>\n"
        return Data(xml.utf8)
    }

    private func parameter(_ name: String, _ value: String) -> String {
        "    <parameter><valueName>\(name)</valueName><value>\(escape(value))</value></parameter>\n"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// CAP 1.2's resource `digest`: SHA-1 of the bytes, lowercase hex.
public enum CAPDigest {
    public static func sha1Hex(_ bytes: Data) -> String {
        Insecure.SHA1.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
