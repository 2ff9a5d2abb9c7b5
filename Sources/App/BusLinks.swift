import Cache

/// Several bus links shown as one.
struct BusLinks: BusStatusProvider {
    let links: [any BusStatusProvider]
    func busStatus() -> [BusStatus] { links.flatMap { $0.busStatus() } }
}
