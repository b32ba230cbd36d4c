import ArgumentParser
import Foundation
import LoaL10n

/// The `loa` command: each subcommand lives in its own file.
public struct Loa: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loa",
        abstract: "Loa: plan, air and prove commune loudspeaker broadcasts.",
        subcommands: [
            CheckCommand.self,
            PlayCommand.self,
            AudioCommand.self,
            LogCommand.self,
            ReportCommand.self,
            ScheduleCommand.self,
            RunCommand.self,
            EmergencyCommand.self,
            PasswdCommand.self,
            HubCommand.self,
        ]
    )
    public init() {}
}

extension Loa {
    /// Entry point for the `loa` executable (a plain `main()` would pick ArgumentParser's synchronous overload).
    /// Wrong usage exits 2 (SPEC §5), where ArgumentParser would exit 64.
    public static func runAsync() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((ArgumentWords.translate(fullMessage(for: error)) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
