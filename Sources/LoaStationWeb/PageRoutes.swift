import Foundation
import Hummingbird
import LoaL10n
import NIOCore

/// The page at `/` and signing in and out (SPEC §7). Over the Unix socket `access` is nil: no sign-in.
struct PageRoutes: Sendable {
    let access: OperatorAccess?
    let station: String
    /// The station's name from the plan, shown in the page's heading.
    let stationName: String

    struct LoginBody: Decodable { var password: String }
    struct LoginAnswer: Encodable { var csrf: String }

    func register(on router: Router<StationContext>) {
        let name = stationName.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let page = ByteBuffer(string: OperatorPage.html.replacingOccurrences(of: "{{STATION}}", with: name)
            .replacingOccurrences(of: "{{RECORDER}}", with: PageRecorder.script))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                            .contentSecurityPolicy: "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"],
                     body: .init(byteBuffer: page))
        }
        router.post("/api/v1/login") { request, context in
            guard let access else { return WebReply.json(LoginAnswer(csrf: "")) }
            guard let body = try? await request.body.collect(upTo: 4096),
                  let login = try? JSONDecoder().decode(LoginBody.self, from: Data(body.readableBytesView)) else {
                return WebReply.error(.badRequest, vi: "Gửi {\"password\": …}", en: "Send {\"password\": …}")
            }
            switch await access.login(password: login.password, from: context.remoteIP ?? "local") {
            case .signedIn(let token, let csrf):
                var response = WebReply.json(LoginAnswer(csrf: csrf))
                response.headers[.setCookie] =
                    "loa_session=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(access.lifetime))"
                return response
            case .wrong:
                return WebReply.error(.unauthorized, vi: "Sai mật khẩu", en: "Wrong password")
            case .noPassword:
                return WebReply.error(.serviceUnavailable,
                                      vi: "Chưa đặt mật khẩu: chạy loa passwd --station \(station) trên máy đài",
                                      en: "No password set: run loa passwd --station \(station) on the station box")
            case .wait(let seconds):
                var response = WebReply.error(.tooManyRequests,
                                              vi: "Sai mật khẩu quá nhiều lần: thử lại sau \(seconds) giây",
                                              en: "Too many wrong passwords: try again in \(seconds) s")
                response.headers[.retryAfter] = "\(seconds)"
                return response
            }
        }
        router.post("/api/v1/logout") { request, _ in
            access?.logout(request.cookies["loa_session"]?.value)
            var response = WebReply.json(["signed_out": true])
            response.headers[.setCookie] = "loa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        }
    }
}
