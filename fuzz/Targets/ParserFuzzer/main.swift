// The HTTP/1.1 request parser on any bytes: the first byte picks the chunk size and limits.
import FuzzSupport

runFuzzer { input in
    guard let mode = input.first else { return }
    feedParser(Array(input.dropFirst()), mode: mode)
}
