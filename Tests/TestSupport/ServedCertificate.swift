import Foundation
import HTTPCore

/// Certificate serials as an outsider sees them: what a TLS listener shows a new connection
/// (read by `openssl s_client`, a client independent of the code under test), and what a PEM
/// file holds.
public enum ServedCertificate {
    /// The serial (`X509Certificate.serialNumberHex`) of the leaf a new connection to
    /// 127.0.0.1:`port` with SNI `serverName` is shown; nil when the handshake failed.
    public static func serial(port: Int, serverName: String = "localhost") throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-servername", serverName]
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try X509Certificate.parseChain(pem: Array(printed)).first?.serialNumberHex
    }

    /// The serial of the first certificate in the PEM file at `path`; nil when it is missing.
    public static func serial(ofPEMFile path: String) throws -> String? {
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        return try X509Certificate.parseChain(pem: Array(bytes)).first?.serialNumberHex
    }
}
