import Testing

@testable import HomepageServer

@Suite struct MachineInfoTests {
    @Test func currentMachineHasUsableValues() {
        let info = MachineInfo.current()
        #expect(!info.identifier.isEmpty)
        #expect(info.version == "0.1.0")
        #expect(info.ipAddress.split(separator: ".").count == 4)
        #expect(info.allAddresses.contains("127.0.0.1"))
        #expect(info.macAddress == "unknown" || info.macAddress.split(separator: ":").count == 6)
        #expect(
            HostPolicy(addresses: info.allAddresses, hostName: info.hostName, certificateSubject: nil)
                .allows(hostHeader: "\(info.ipAddress):8069"))
    }

    @Test func identifierFallsBackToMachineID() {
        #expect(MachineInfo.identifier(hostName: "shop-box", machineID: "abc") == "shop-box")
        #expect(MachineInfo.identifier(hostName: "localhost", machineID: "0123456789abcdef") == "iot-box-01234567")
        #expect(MachineInfo.identifier(hostName: "", machineID: nil) == "iot-box")
    }
}
