import ArgumentParser

/// `--http-port 80,8069`: one plain listener per port. A real box answers on both, as Odoo's
/// own box does (nginx on 80 in front of Odoo on 8069).
struct PortList: ExpressibleByArgument, Sendable, Equatable {
    var ports: [Int]

    init(_ ports: [Int]) {
        self.ports = ports
    }

    /// Comma-separated decimal ports, spaces allowed around each. The range and duplicates
    /// are checked by `problem`, so the message can name the flag.
    init?(argument: String) {
        var ports: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCIIDigitCharacter),
                let port = Int(String(digits))
            else { return nil }
            ports.append(port)
        }
        self.init(ports)
    }

    var defaultValueDescription: String { ports.map(String.init).joined(separator: ",") }

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

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
