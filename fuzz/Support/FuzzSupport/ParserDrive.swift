import HTTPCore

/// Feeds `bytes` to a request parser in chunks of 1–16 bytes (the size from `mode`), with the
/// default limits or small ones (`mode` odd: so the 413/414/431 paths are reachable by short
/// inputs), and checks what it reports stays consistent: a returned body respects its limit,
/// an error is one of the documented statuses, and after an error every call repeats it.
public func feedParser(_ bytes: [UInt8], mode: UInt8) {
    var limits = HTTPParserLimits()
    if mode & 1 == 1 {
        limits.maxRequestLineLength = 64
        limits.maxHeaderBlockSize = 256
        limits.maxHeaderCount = 8
        limits.maxBodySize = 128
        limits.maxChunkLineLength = 32
        limits.maxTrailerSize = 64
    }
    var parser = HTTPRequestParser(limits: limits)
    let chunk = Int(mode >> 1) % 16 + 1
    var offset = 0
    var sawError: HTTPParseError?
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        parser.append(Array(bytes[offset..<end]))
        offset = end
        drain: while true {
            switch parser.next() {
            case .needMore:
                break drain
            case .expectContinue:
                continue
            case .request(let request):
                precondition(sawError == nil, "a request came after an error")
                precondition(request.body.count <= limits.maxBodySize, "body over the limit")
                if let authority = request.authority {
                    precondition(HostAndPort(authority.description) == authority, "authority does not round-trip")
                }
            case .error(let error):
                if let sawError { precondition(sawError == error, "the error changed") }
                sawError = error
                precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status")
                precondition(!error.reason.isEmpty, "an error without a reason")
                break drain
            }
        }
    }
}
