import Foundation
import HummingbirdCore
import HummingbirdTLS
import LoaCore
import LoaL10n

/// The certificate and key `loa run --http ADDR --tls-cert PEM --tls-key PEM` serves HTTPS with: browsers allow the
/// microphone (the page's Record button) only to a secure page, and on the LAN that means HTTPS.
public struct TLSFiles: Sendable, Hashable {
    public var certificate: String
    public var key: String
    public init(certificate: String, key: String) { self.certificate = certificate; self.key = key }

    /// Reads both PEM files now, so a wrong path or a file that is not a certificate or a key stops the daemon at
    /// start naming the file, not at the first browser's handshake.
    func configuration() throws(TLSFilesError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw TLSFilesError(.certificate, subject: certificate, detail: "\(error)")
        }
        guard !chain.isEmpty else { throw TLSFilesError(.certificate, subject: certificate, detail: "no certificate in it") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: self.key, format: .pem) } catch {
            throw TLSFilesError(.key, subject: self.key, detail: "\(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                        privateKey: .privateKey(key))
    }

    /// The HTTP/1.1 server wrapped in TLS.
    func server() throws -> HTTPServerBuilder { try .tls(.http1(), tlsConfiguration: try configuration()) }
}

/// A certificate or key file `--tls-cert` / `--tls-key` names that cannot be used, with the library's reason.
public struct TLSFilesError: LoaError {
    public enum Kind: String, Sendable, Hashable { case certificate, key }
    public let kind: Kind
    public let subject: String
    public let detail: String
    init(_ kind: Kind, subject: String, detail: String) { self.kind = kind; self.subject = subject; self.detail = detail }

    public var localized: Localized {
        switch kind {
        case .certificate:
            Localized(vi: "\(subject): không đọc được chứng chỉ TLS (PEM): \(detail)",
                      en: "\(subject): cannot read a TLS certificate (PEM): \(detail)")
        case .key:
            Localized(vi: "\(subject): không đọc được khoá riêng TLS (PEM): \(detail)",
                      en: "\(subject): cannot read a TLS private key (PEM): \(detail)")
        }
    }
}
