import FoundationEssentials
import HTTPCore

/// One database the sandbox knows, as a person edits it in `registry.json`.
public struct SandboxDatabase: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case production, staging, duplicate, development
    }

    public var name: String
    public var dbUUID: String
    public var enterpriseCode: String
    public var kind: Kind
    /// Odoo's subscription stage; only `in_progress` is eligible.
    public var subscription: String
    public var iotBoxLine: Bool

    public init(
        name: String, dbUUID: String, enterpriseCode: String, kind: Kind, subscription: String, iotBoxLine: Bool
    ) {
        self.name = name
        self.dbUUID = dbUUID
        self.enterpriseCode = enterpriseCode
        self.kind = kind
        self.subscription = subscription
        self.iotBoxLine = iotBoxLine
    }

    /// Why this database gets no certificate, in words; nil when it is eligible.
    public var refusalReason: String? {
        if kind != .production {
            return "database \(name) is a \(kind.rawValue) database; only production databases get a certificate"
        }
        if subscription != "in_progress" {
            return "the subscription of \(name) is \(subscription), not In Progress"
        }
        if !iotBoxLine { return "the subscription of \(name) has no IoT box line" }
        return nil
    }

    public var eligible: Bool { refusalReason == nil }

    /// Eight hex digits derived from the UUID (FNV-1a), so a database keeps its domain.
    public var subdomain: String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in dbUUID.lowercased().utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, subscription, eligible
        case dbUUID = "db_uuid"
        case enterpriseCode = "enterprise_code"
        case iotBoxLine = "iot_box_line"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        dbUUID = try container.decode(String.self, forKey: .dbUUID)
        enterpriseCode = try container.decode(String.self, forKey: .enterpriseCode)
        kind = try container.decode(Kind.self, forKey: .kind)
        subscription = try container.decode(String.self, forKey: .subscription)
        iotBoxLine = try container.decode(Bool.self, forKey: .iotBoxLine)
    }

    /// `eligible` is written for the reader's convenience and ignored when read back.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(dbUUID, forKey: .dbUUID)
        try container.encode(enterpriseCode, forKey: .enterpriseCode)
        try container.encode(kind, forKey: .kind)
        try container.encode(subscription, forKey: .subscription)
        try container.encode(iotBoxLine, forKey: .iotBoxLine)
        try container.encode(eligible, forKey: .eligible)
    }
}

public enum SandboxRegistryError: Error, Sendable, Equatable {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
}

/// The sandbox's databases, kept in a JSON file a person may edit (`sandbox/registry.json`).
public struct SandboxRegistry: Sendable, Equatable {
    public var databases: [SandboxDatabase]

    public init(databases: [SandboxDatabase]) {
        self.databases = databases
    }

    /// One database of each kind, plus a production one per way of being ineligible.
    public static func demo() -> SandboxRegistry {
        func database(_ name: String, _ kind: SandboxDatabase.Kind, _ subscription: String, _ line: Bool)
            -> SandboxDatabase
        {
            let code = "M" + String(UInt64.random(in: 1_000_000_000...9_999_999_999))
            return SandboxDatabase(
                name: name, dbUUID: UUID().uuidString.lowercased(), enterpriseCode: code, kind: kind,
                subscription: subscription, iotBoxLine: line)
        }
        return SandboxRegistry(databases: [
            database("demo-production", .production, "in_progress", true),
            database("demo-staging", .staging, "in_progress", true),
            database("demo-duplicate", .duplicate, "in_progress", true),
            database("demo-development", .development, "in_progress", true),
            database("demo-closed-subscription", .production, "closed", true),
            database("demo-no-iot-box-line", .production, "in_progress", false),
        ])
    }

    /// Reads `path`, or writes and returns a new demo registry when it does not exist.
    public static func loadOrCreate(path: String) throws(SandboxRegistryError) -> SandboxRegistry {
        if FileManager.default.fileExists(atPath: path) {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                return SandboxRegistry(databases: try JSONDecoder().decode([SandboxDatabase].self, from: data))
            } catch {
                throw .unreadable(path: path, reason: "\(error)")
            }
        }
        let registry = demo()
        try registry.save(path: path)
        return registry
    }

    public func save(path: String) throws(SandboxRegistryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try encoder.encode(databases).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
    }

    public func database(uuid: String) -> SandboxDatabase? {
        databases.first { $0.dbUUID.lowercased() == uuid.lowercased() }
    }

    /// The `sandbox.databases` list of `/status.json`.
    public var json: JSONValue {
        .array(
            databases.map {
                [
                    "name": JSONValue($0.name), "db_uuid": JSONValue($0.dbUUID),
                    "enterprise_code": JSONValue($0.enterpriseCode), "kind": JSONValue($0.kind.rawValue),
                    "subscription": JSONValue($0.subscription), "iot_box_line": .bool($0.iotBoxLine),
                    "eligible": .bool($0.eligible),
                ]
            })
    }
}
