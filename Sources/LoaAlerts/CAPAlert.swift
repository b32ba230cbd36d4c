import Foundation
import LoaCore
import LoaL10n
import SWXMLHash

/// An OASIS CAP 1.2 alert as a warning centre or the city's button sends it: the parts Loa reads, checked against the
/// CAP 1.2 rules it needs (required elements, the value lists) by `CAPAlert.parse(_:)`.
///
/// ```swift
/// let alert = try CAPAlert.parse(xmlData)
/// alert.key            // "vndms.dmc.gov.vn,2026-storm-3-0001": the same sender + identifier twice is one alert
/// alert.infos[0].urgency  // .immediate: cut in at once
/// ```
public struct CAPAlert: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable { case actual = "Actual", exercise = "Exercise",
        system = "System", test = "Test", draft = "Draft" }
    public enum MessageType: String, Sendable, Hashable, CaseIterable { case alert = "Alert", update = "Update",
        cancel = "Cancel", ack = "Ack", error = "Error" }
    public enum Scope: String, Sendable, Hashable, CaseIterable { case `public` = "Public", restricted = "Restricted",
        `private` = "Private" }

    /// An earlier alert named in `references`: `sender,identifier,sent`.
    public struct Reference: Sendable, Hashable {
        public var sender: String
        public var identifier: String
        public var sent: String
        public var key: String { "\(sender),\(identifier)" }
    }

    public var identifier: String
    public var sender: String
    public var sent: Date
    /// `sent` as written.
    public var sentText: String
    public var status: Status
    public var messageType: MessageType
    public var scope: Scope
    public var references: [Reference]
    public var infos: [CAPInfo]

    /// What makes two copies the same alert.
    public var key: String { "\(sender),\(identifier)" }
}

/// One `info` block: what it is about, how urgent, for when, where, and what to say or play.
public struct CAPInfo: Sendable, Hashable {
    public enum Urgency: String, Sendable, Hashable, CaseIterable { case immediate = "Immediate", expected = "Expected",
        future = "Future", past = "Past", unknown = "Unknown" }
    public enum Severity: String, Sendable, Hashable, CaseIterable { case extreme = "Extreme", severe = "Severe",
        moderate = "Moderate", minor = "Minor", unknown = "Unknown" }
    public enum Certainty: String, Sendable, Hashable, CaseIterable { case observed = "Observed", likely = "Likely",
        possible = "Possible", unlikely = "Unlikely", unknown = "Unknown" }

    public var language: String
    public var categories: [String]
    public var event: String
    public var urgency: Urgency
    public var severity: Severity
    public var certainty: Certainty
    public var effective: Date?
    public var expires: Date?
    public var headline: String?
    public var description: String?
    public var instruction: String?
    /// `parameter` pairs in document order (`loa:repeat` = `PT1H`, `loa:hours` = `07:00-20:00`).
    public var parameters: [(name: String, value: String)]
    public var resources: [CAPResource]
    /// Every `area/geocode` pair (`loa:station` = `ba-dinh`, `loa:group` = `riverside` or `all`).
    public var geocodes: [(name: String, value: String)]

    public static func == (a: CAPInfo, b: CAPInfo) -> Bool {
        a.language == b.language && a.event == b.event && a.urgency == b.urgency && a.effective == b.effective
            && a.expires == b.expires && a.headline == b.headline && a.description == b.description
            && a.instruction == b.instruction && a.parameters.map { "\($0.name)=\($0.value)" }
            == b.parameters.map { "\($0.name)=\($0.value)" } && a.resources == b.resources
            && a.geocodes.map { "\($0.name)=\($0.value)" } == b.geocodes.map { "\($0.name)=\($0.value)" }
    }
    public func hash(into h: inout Hasher) { h.combine(event); h.combine(headline); h.combine(effective) }

    public func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
}

/// A `resource`: the audio to air, inline (`derefUri`, base64) or by `uri`; `digest` is the SHA-1 of its bytes.
public struct CAPResource: Sendable, Hashable {
    public var description: String
    public var mimeType: String
    public var size: Int?
    public var uri: String?
    /// The decoded bytes of `derefUri`.
    public var inline: Data?
    /// Hex SHA-1 of the content, lowercased.
    public var digest: String?

    public var isAudio: Bool { mimeType.lowercased().hasPrefix("audio/") }
}

extension CAPAlert {
    /// CAP 1.2's namespace; a document in another is not a CAP 1.2 alert.
    public static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"
    /// Large enough for a minute of inline audio, small enough that a hostile body cannot exhaust the hub.
    public static let maximumSize = 16 << 20

    /// Parses and checks a CAP 1.2 document. A DOCTYPE is refused before anything is parsed: CAP needs none, and it
    /// is how external entities and entity expansion ("billion laughs") get in.
    public static func parse(_ data: Data) throws(AlertError) -> CAPAlert {
        guard data.count <= maximumSize else { throw AlertError(.tooLarge, at: "alert", "\(data.count) bytes") }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            throw AlertError(.forbiddenDeclaration, at: "alert", "DOCTYPE/ENTITY")
        }
        let xml = XMLHash.config { $0.shouldProcessNamespaces = false; $0.detectParsingErrors = true }.parse(data)
        if case .parsingError(let e) = xml {
            throw AlertError(.malformed, at: "line \(e.line), column \(e.column)", "")
        }
        let root = xml["alert"]
        guard let alert = root.element else { throw AlertError(.missing, at: "alert", "") }
        guard alert.attribute(by: "xmlns")?.text == namespace else {
            throw AlertError(.badValue, at: "alert/@xmlns", alert.attribute(by: "xmlns")?.text ?? "")
        }
        let reader = CAPReader(node: root, path: "alert")
        let sentText = try reader.required("sent")
        let references = try reader.optional("references").map(parseReferences) ?? []
        let result = CAPAlert(
            identifier: try reader.required("identifier"), sender: try reader.required("sender"),
            sent: try reader.time(sentText, at: "alert/sent"), sentText: sentText,
            status: try reader.choice("status"), messageType: try reader.choice("msgType"),
            scope: try reader.choice("scope"), references: references,
            infos: try root["info"].all.enumerated().map { i, node throws(AlertError) in
                try CAPInfo.read(CAPReader(node: node, path: "alert/info[\(i + 1)]"))
            })
        if result.messageType == .update || result.messageType == .cancel, result.references.isEmpty {
            throw AlertError(.missing, at: "alert/references", result.messageType.rawValue)
        }
        return result
    }

    static func parseReferences(_ text: String) throws(AlertError) -> [Reference] {
        try text.split(whereSeparator: \.isWhitespace).map { part throws(AlertError) in
            let f = part.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3, !f[0].isEmpty, !f[1].isEmpty else {
                throw AlertError(.badValue, at: "alert/references", String(part))
            }
            return Reference(sender: f[0], identifier: f[1], sent: f[2])
        }
    }
}

extension CAPInfo {
    static func read(_ r: CAPReader) throws(AlertError) -> CAPInfo {
        let categories = r.node["category"].all.compactMap { $0.element?.text }
        guard !categories.isEmpty else { throw AlertError(.missing, at: "\(r.path)/category", "") }
        let pairs = { (name: String) -> [(name: String, value: String)] in
            r.node[name].all.compactMap { n in
                guard let k = n["valueName"].element?.text, let v = n["value"].element?.text else { return nil }
                return (k.trimmingCharacters(in: .whitespaces), v.trimmingCharacters(in: .whitespaces))
            }
        }
        var geocodes: [(name: String, value: String)] = []
        for (i, area) in r.node["area"].all.enumerated() {
            let a = CAPReader(node: area, path: "\(r.path)/area[\(i + 1)]")
            _ = try a.required("areaDesc")
            geocodes += area["geocode"].all.compactMap { n in
                guard let k = n["valueName"].element?.text, let v = n["value"].element?.text else { return nil }
                return (k.trimmingCharacters(in: .whitespaces), v.trimmingCharacters(in: .whitespaces))
            }
        }
        let resources = try r.node["resource"].all.enumerated().map { i, node throws(AlertError) in
            let x = CAPReader(node: node, path: "\(r.path)/resource[\(i + 1)]")
            var inline: Data?
            if let text = try x.optional("derefUri") {
                guard let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                    throw AlertError(.badValue, at: "\(x.path)/derefUri", "not base64")
                }
                inline = bytes
            }
            return CAPResource(description: try x.required("resourceDesc"), mimeType: try x.required("mimeType"),
                               size: try x.optional("size").map { s throws(AlertError) in
                                   guard let n = Int(s), n >= 0 else { throw AlertError(.badValue, at: "\(x.path)/size", s) }
                                   return n
                               }, uri: try x.optional("uri"), inline: inline,
                               digest: try x.optional("digest")?.lowercased())
        }
        return CAPInfo(language: try r.optional("language") ?? "en-US", categories: categories,
                       event: try r.required("event"), urgency: try r.choice("urgency"),
                       severity: try r.choice("severity"), certainty: try r.choice("certainty"),
                       effective: try r.optional("effective").map { t throws(AlertError) in try r.time(t, at: "\(r.path)/effective") },
                       expires: try r.optional("expires").map { t throws(AlertError) in try r.time(t, at: "\(r.path)/expires") },
                       headline: try r.optional("headline"), description: try r.optional("description"),
                       instruction: try r.optional("instruction"), parameters: pairs("parameter"),
                       resources: resources, geocodes: geocodes)
    }
}

/// Reads one element's children, naming what is missing or wrong by its path.
struct CAPReader {
    let node: XMLIndexer
    let path: String

    func optional(_ name: String) throws(AlertError) -> String? {
        let all = node[name].all
        guard let first = all.first?.element else { return nil }
        return first.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func required(_ name: String) throws(AlertError) -> String {
        guard let text = try optional(name), !text.isEmpty else { throw AlertError(.missing, at: "\(path)/\(name)", "") }
        return text
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String) throws(AlertError) -> T where T.RawValue == String {
        let text = try required(name)
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw AlertError(.badValue, at: "\(path)/\(name)", "\(text) (one of \(allowed))")
        }
        return value
    }

    /// CAP dateTime: `2026-06-01T06:00:00+07:00` (LoaCore's one parser; CAP's `-00:00` reads as UTC).
    func time(_ text: String, at where: String) throws(AlertError) -> Date {
        let utc = text.hasSuffix("-00:00") ? String(text.dropLast(6)) + "+00:00" : text
        guard let d = Timestamp.parse(utc) else {
            throw AlertError(.badValue, at: `where`, text)
        }
        return d
    }
}
