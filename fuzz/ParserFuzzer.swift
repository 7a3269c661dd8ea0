// libFuzzer entry point for the HTTP/1.1 request parser: any byte sequence, fed in chunks
// whose sizes come from the input itself, must never crash the parser, and what it reports
// must stay consistent (a returned request is complete; after an error every call repeats it).

@_cdecl("LLVMFuzzerTestOneInput")
public func parserFuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let first = bytes.first else { return 0 }
    var limits = HTTPParserLimits()
    // Small limits make the limit paths reachable by short inputs.
    if first & 1 == 1 {
        limits.maxRequestLineLength = 64
        limits.maxHeaderBlockSize = 256
        limits.maxHeaderCount = 8
        limits.maxBodySize = 128
        limits.maxChunkLineLength = 32
        limits.maxTrailerSize = 64
    }
    var parser = HTTPRequestParser(limits: limits)
    let chunk = Int(first >> 1) % 16 + 1
    var offset = 1
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
            case .error(let error):
                if let sawError { precondition(sawError == error, "the error changed") }
                sawError = error
                precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status")
                break drain
            }
        }
    }
    return 0
}
