import Synchronization

/// The context a TLS listener hands to new connections, replaceable while it serves.
///
/// A renewed certificate takes effect for the next accepted connection; connections already
/// open keep the context they started with, because each `SSL` holds its own reference to
/// its `SSL_CTX`.
public final class TLSContextHolder: Sendable {
    private let slot: Mutex<TLSServerContext>

    public init(_ context: TLSServerContext) {
        slot = Mutex(context)
    }

    /// The context for the next connection.
    public var current: TLSServerContext {
        slot.withLock { $0 }
    }

    /// Builds a context from the new chain and key and puts it in service. On any error the
    /// old context stays in service and the error says what was wrong with the new files.
    public func replace(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) throws(TLSError) {
        let fresh = try TLSServerContext(certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM)
        replace(with: fresh)
    }

    /// Puts an already built context in service.
    public func replace(with context: TLSServerContext) {
        slot.withLock { $0 = context }
    }
}
