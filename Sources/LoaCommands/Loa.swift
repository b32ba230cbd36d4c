import ArgumentParser

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
        ]
    )
    public init() {}
}

extension Loa {
    /// Entry point for the `loa` executable (a plain `main()` would pick ArgumentParser's synchronous overload).
    public static func runAsync() async {
        await (Loa.self as any AsyncParsableCommand.Type).main()
    }
}
