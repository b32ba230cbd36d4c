import ArgumentParser
import Foundation
import LoaL10n
import LoaStationWeb

/// `loa passwd --station ID [--state DIR]`: sets the operators' password for the station's page (bcrypt, in the
/// state folder, readable by its owner only). Reads it from standard input: typed twice at a terminal, or one line
/// from a pipe.
public struct PasswdCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Set the password operators sign in with on the station's page (loa run --http).")

    @Option(help: "The station.") var station: String
    @Option(help: "The state folder (default: the current folder, where `loa run` keeps its log).") var state: String = "."

    public init() {}

    public func run() throws {
        let password: String
        if isatty(0) != 0 {
            guard let first = getpass(tr("Mật khẩu mới: ", "New password: ")).map({ String(cString: $0) }),
                  let again = getpass(tr("Nhập lại: ", "Again: ")).map({ String(cString: $0) }), first == again else {
                throw failure(tr("hai lần nhập không khớp", "the two entries differ"))
            }
            password = first
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        guard password.count >= 8 else {
            throw failure(tr("mật khẩu cần ít nhất 8 ký tự", "the password needs at least 8 characters"))
        }
        let file = OperatorAccess.passwordFile(state: URL(fileURLWithPath: state), station: station)
        do { try OperatorAccess.setPassword(password, file: file) } catch {
            throw failure(tr("không ghi được \(file.path): \(error)", "cannot write \(file.path): \(error)"))
        }
        print(tr("Đã đặt mật khẩu cho đài \(station) (\(file.path))", "Password set for station \(station) (\(file.path))"))
    }
}
