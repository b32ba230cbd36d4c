import Foundation

/// An espeak-ng data folder (for `--path`) with every file of the system's but only the northern Vietnamese voice,
/// as on a machine where the regional voices were not installed.
public func espeakDataWithOnlyNorthernVoice() throws -> URL {
    let version = Process()
    version.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
    version.arguments = ["--version"]
    let pipe = Pipe()
    version.standardOutput = pipe
    try version.run()
    let banner = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    version.waitUntilExit()
    guard let system = banner.components(separatedBy: "Data at: ").last?
        .trimmingCharacters(in: .whitespacesAndNewlines), !system.isEmpty else {
        throw TestSupportError("espeak-ng --version did not name its data folder: \(banner)")
    }
    let root = TemporaryFolders.make("loa-espeak")
    let data = root.appendingPathComponent("espeak-ng-data")
    let fm = FileManager.default
    try fm.createDirectory(at: data.appendingPathComponent("lang/aav"), withIntermediateDirectories: true)
    for entry in try fm.contentsOfDirectory(atPath: system) where entry != "lang" {
        try fm.createSymbolicLink(atPath: data.appendingPathComponent(entry).path, withDestinationPath: system + "/" + entry)
    }
    try fm.createSymbolicLink(atPath: data.appendingPathComponent("lang/aav/vi").path,
                              withDestinationPath: system + "/lang/aav/vi")
    return root
}
