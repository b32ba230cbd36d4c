import Foundation

/// A short real WAV (16-bit mono 8 kHz sine), for uploads that must decode.
public func sineWAV(seconds: Double = 0.5) -> Data {
    let rate = 8000, n = Int(Double(rate) * seconds)
    var d = Data()
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    d.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + n * 2)); d.append(contentsOf: Array("WAVEfmt ".utf8))
    u32(16); u16(1); u16(1); u32(UInt32(rate)); u32(UInt32(rate * 2)); u16(2); u16(16)
    d.append(contentsOf: Array("data".utf8)); u32(UInt32(n * 2))
    for i in 0..<n { u16(UInt16(bitPattern: Int16(8000 * sin(Double(i) * 2 * .pi * 440 / Double(rate))))) }
    return d
}
