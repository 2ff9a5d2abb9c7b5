import Foundation

/// A wake-up flag one task waits on and others fire (coalescing: many fires, one wake).
/// Cancellation wakes the waiter too, so task groups shut down promptly.
// @unchecked Sendable: `lock` guards pending and waiter.
final class Signal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func fire() {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            if let w = waiter { waiter = nil; return w }
            pending = true
            return nil
        }
        w?.resume()
    }

    /// Returns when fired (immediately if fired since the last wait), on cancellation, or after `timeout`.
    func wait(timeout: Double? = nil) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready: Bool = lock.withLock {
                    if pending || Task.isCancelled { pending = false; return true }
                    waiter = c
                    return false
                }
                if ready { c.resume(); return }
                if let timeout {
                    Task { [weak self] in
                        try? await Task.sleep(nanoseconds: UInt64(max(0.001, timeout) * 1e9))
                        self?.wakeTimeout(c)
                    }
                }
            }
        } onCancel: {
            fire()
        }
    }

    private func wakeTimeout(_ c: CheckedContinuation<Void, Never>) {
        // May wake a later waiter early; every caller re-checks its condition, so that is harmless.
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            guard waiter != nil else { return nil }
            let w = waiter
            waiter = nil
            return w
        }
        w?.resume()
    }
}
