// The chunked body decoder, through the parser: any bytes after a valid chunked head. The
// first byte picks the chunk size and limits.
import FuzzSupport

let head = Array("POST /f HTTP/1.1\r\nHost: box\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)

runFuzzer { input in
    guard let mode = input.first else { return }
    feedParser(head + input.dropFirst(), mode: mode)
}
