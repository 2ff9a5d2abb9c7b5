import Dispatch
import Foundation

/// Ctrl-C / SIGTERM during a soak: stop the child processes too (they would outlive it otherwise).
/// The service itself stops through its ServiceGroup; the harness only owns processes.
enum SoakSignals {
    static func onStop(_ stop: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig)
            s.setEventHandler(handler: stop)
            s.resume()
            return s
        }
    }
}
