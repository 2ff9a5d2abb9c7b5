/// Gives freed heap memory back to the kernel while the service runs.
///
/// glibc keeps what a burst frees in its arenas: a re-snapshot after a reconnect storm
/// decodes tens of MB of JSON (thousands of 10 KB tick and bin arrays) at once, and without
/// trimming, resident memory ratchets up at every storm and never comes down. The soak
/// measured the difference (docs/reliability.md). Linux (glibc) only.
enum HeapTrim {
    /// Trims every arena each `seconds` until cancelled.
    static func run(every seconds: Double) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(seconds))
            #if os(Linux)
            _ = glibcMallocTrim(0)
            #endif
        }
    }
}

#if os(Linux)
/// `int malloc_trim(size_t pad)` from <malloc.h>, which Swift's Glibc module does not import.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: UInt) -> Int32
#endif
