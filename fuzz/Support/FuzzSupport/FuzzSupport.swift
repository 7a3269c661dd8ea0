import CFuzzDriver

/// The body libFuzzer calls with each input; set once, before the driver starts.
nonisolated(unsafe) private var fuzzBody: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with `body` as the test of one input, passing it the program's arguments
/// (corpus folders, `-max_total_time=`, ...). A fuzz target's whole `main.swift` is
/// `runFuzzer { bytes in ... }`: a crash or a failed precondition in `body` is a finding.
public func runFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzBody = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzBody?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}

@_silgen_name("exit")
private func exit(_ status: Int32) -> Never

/// Stops the run with `message` when `condition` is false. Unlike `precondition`, whose text
/// an optimised build drops, the message reaches the log (`Fatal error: ...`), so a property a
/// target checks names itself in the finding.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
