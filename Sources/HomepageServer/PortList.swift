/// `--http-port 80,8069`: one plain listener per port. A real box answers on both, as Odoo's
/// own box does (nginx on 80 in front of Odoo on 8069).
struct PortList: Sendable, Equatable {
    var ports: [Int]

    init(_ ports: [Int]) {
        self.ports = ports
    }

    /// Comma-separated decimal ports, spaces allowed around each. The range and duplicates
    /// are checked by `problem`, so the message can name the flag. Read as bytes: it runs at
    /// every start, where generic collection code (`drop`, `reversed`) would make the runtime
    /// look up its conformances first.
    init?(argument: String) {
        var ports: [Int] = []
        var digits = 0
        var value = 0
        var spaceAfterDigits = false
        var bytes = argument.utf8.makeIterator()
        var atEnd = false
        while !atEnd {
            let next = bytes.next()
            atEnd = next == nil
            // The end closes the last port as a comma does.
            let byte = next ?? UInt8(ascii: ",")
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !spaceAfterDigits, digits < 5 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: " "):
                if digits > 0 { spaceAfterDigits = true }
            case UInt8(ascii: ","):
                guard digits > 0 else { return nil }
                ports.append(value)
                digits = 0
                value = 0
                spaceAfterDigits = false
            default:
                return nil
            }
        }
        self.init(ports)
    }

    /// Why this list cannot be used, or nil. Port 0 may appear more than once: each picks its own.
    var problem: String? {
        if ports.isEmpty { return "needs at least one port" }
        if ports.count > 16 { return "takes at most 16 ports" }
        if let bad = ports.first(where: { !(0...65535).contains($0) }) { return "port \(bad) is not 0...65535" }
        let named = ports.filter { $0 != 0 }
        if Set(named).count != named.count { return "names a port twice" }
        return nil
    }
}
