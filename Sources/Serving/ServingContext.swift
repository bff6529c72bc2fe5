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

    /// Whether the peer connected over loopback (127.0.0.0/8 or ::1).
    var peerIsLoopback: Bool {
        guard let address = remoteAddress?.ipAddress else { return false }
        return ServeConfiguration.isLoopback(address)
    }
}
