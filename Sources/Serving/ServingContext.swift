import Hummingbird
import NIOCore

/// The request context of `pipeline serve`: Hummingbird's basic one plus the peer's address,
/// which /admin/reload checks.
struct ServingContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    var peerIsLoopback: Bool { Self.isLoopback(remoteAddress) }

    /// Whether a peer is on this machine: 127.0.0.0/8, ::1, or 127.x seen through an IPv6
    /// socket (::ffff:127.x). Unknown peers are not.
    static func isLoopback(_ peer: SocketAddress?) -> Bool {
        guard var address = peer?.ipAddress else { return false }
        if address.hasPrefix("::ffff:") { address.removeFirst("::ffff:".count) }
        return address == "::1" || address.hasPrefix("127.")
    }
}
