import Foundation
import LoaSystem

/// A value shared between the engine thread, the player's callback thread, signal handlers and the control socket.
/// Every critical section is a few field updates; the lock inherits priority, so a page thread holding it cannot keep
/// the real-time engine thread waiting while the HTTP load preempts it.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = PriorityInheritingLock()
    public init(_ value: Value) { self.value = value }
    @discardableResult
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
    public var current: Value { withLock { $0 } }
}
