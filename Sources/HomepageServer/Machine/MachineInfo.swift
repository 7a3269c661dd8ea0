import Glibc
import SystemKit

/// Who this box is on the network: what the homepage shows and what `HostPolicy` accepts.
/// A snapshot: `current()` reads the host name and the interfaces' addresses at that moment;
/// `MachineWatcher` reads it again every few seconds, so a new DHCP address is seen at once.
struct MachineInfo: Sendable, Equatable {
    /// The one place the product's version is written.
    static let version = "0.1.0"

    /// The box's name: its host name, or a name derived from /etc/machine-id when the host
    /// name is empty or the generic `localhost`.
    var identifier: String
    var hostName: String
    /// The first non-loopback IPv4 address, or 127.0.0.1 when there is none (a container with only lo).
    var ipAddress: String
    /// The hardware address of `ipAddress`'s interface, or `unknown`.
    var macAddress: String
    /// Every address of every interface, loopback included, IPv6 without zone.
    var allAddresses: [String]
    var version: String { Self.version }

    static func current() -> MachineInfo {
        let hostName = readHostName()
        let interfaces = InterfaceTable.read()
        let primary = interfaces.ipv4.first { !$0.isLoopback }
        let mac = primary.flatMap { interfaces.hardwareAddresses[$0.interface] } ?? "unknown"
        return MachineInfo(
            identifier: identifier(hostName: hostName, machineID: readMachineID()),
            hostName: hostName,
            ipAddress: primary?.address ?? "127.0.0.1",
            macAddress: mac,
            allAddresses: interfaces.ipv4.map(\.address) + interfaces.ipv6)
    }

    static func identifier(hostName: String, machineID: String?) -> String {
        if !hostName.isEmpty, hostName.lowercased() != "localhost" { return hostName }
        if let machineID, machineID.count >= 8 { return "iot-box-\(machineID.prefix(8))" }
        return "iot-box"
    }

    private static func readHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func readMachineID() -> String? {
        guard let bytes = try? FileSystem.readIfPresent("/etc/machine-id", maxBytes: 4096) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).filter { $0.isHexDigit }
        return text.isEmpty ? nil : text.lowercased()
    }
}

/// One pass over getifaddrs: IPv4 and IPv6 addresses, and each interface's hardware address
/// (AF_PACKET entries).
struct InterfaceTable {
    struct IPv4Entry {
        var interface: String
        var address: String
        var isLoopback: Bool
    }

    var ipv4: [IPv4Entry] = []
    var ipv6: [String] = []
    var hardwareAddresses: [String: String] = [:]

    static func read() -> InterfaceTable {
        var table = InterfaceTable()
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return table }
        defer { freeifaddrs(first) }
        var cursor = first
        while let entry = cursor?.pointee {
            cursor = entry.ifa_next
            guard let socketAddress = entry.ifa_addr else { continue }
            let name = String(cString: entry.ifa_name)
            let isLoopback = entry.ifa_flags & UInt32(IFF_LOOPBACK) != 0
            switch Int32(socketAddress.pointee.sa_family) {
            case AF_INET:
                let offset = MemoryLayout<sockaddr_in>.offset(of: \sockaddr_in.sin_addr)!
                let text = presentation(family: AF_INET, UnsafeRawPointer(socketAddress) + offset)
                if let text { table.ipv4.append(IPv4Entry(interface: name, address: text, isLoopback: isLoopback)) }
            case AF_INET6:
                let offset = MemoryLayout<sockaddr_in6>.offset(of: \sockaddr_in6.sin6_addr)!
                let text = presentation(family: AF_INET6, UnsafeRawPointer(socketAddress) + offset)
                if let text { table.ipv6.append(text) }
            case AF_PACKET:
                let mac = hardwareAddress(UnsafeRawPointer(socketAddress))
                if !mac.isEmpty, !isLoopback { table.hardwareAddresses[name] = mac }
            default:
                continue
            }
        }
        return table
    }

    private static func presentation(family: Int32, _ address: UnsafeRawPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Glibc's Swift module does not include <netpacket/packet.h>, so `struct sockaddr_ll` is
    /// read by its fixed Linux layout: family, protocol (2 bytes each), ifindex (4),
    /// hatype (2), pkttype (1), halen (1) at offset 11, then up to 8 address bytes at 12.
    private static func hardwareAddress(_ address: UnsafeRawPointer) -> String {
        let length = min(Int(address.load(fromByteOffset: 11, as: UInt8.self)), 8)
        return (0..<length).map { hexByte(address.load(fromByteOffset: 12 + $0, as: UInt8.self)) }
            .joined(separator: ":")
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
