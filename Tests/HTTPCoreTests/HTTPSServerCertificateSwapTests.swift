import Foundation
import HTTPCore
import Synchronization
import Testing

/// Replacing the served certificate while the listener serves: what a renewal does.
@Suite struct HTTPSServerCertificateSwapTests {
    @Test func swapsUnderLoadFailNoRequestAndNewConnectionsSeeTheLastCertificate() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let clientThreads = 2
        let requestsPerThread = 150
        let swaps = 5
        let total = clientThreads * requestsPerThread
        // Built before the load starts, so the swaps themselves are quick and land mid-load.
        let replacements = try (0..<swaps).map { _ in try fixture.issueContext() }

        let completed = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for _ in 0..<clientThreads {
            let client = fixture.client()
            let url = "https://localhost:\(fixture.httpsPort)/"
            done.enter()
            Thread {
                for _ in 0..<requestsPerThread {
                    do {
                        let response = try client.send(HTTPClientRequest(url: url))
                        if response.status != 200 || response.body != Array("hello".utf8) {
                            failures.withLock { $0.append("status \(response.status)") }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    completed.add(1, ordering: .relaxed)
                }
                done.leave()
            }.start()
        }
        // Each swap waits for its share of the load, so swaps spread over the run whatever the
        // machine's speed; none depends on a sleep being long enough.
        let holder = fixture.holder
        let swapsDone = DispatchGroup()
        swapsDone.enter()
        let swapCount = Atomic<Int>(0)
        Thread {
            for (index, replacement) in replacements.enumerated() {
                let threshold = total * (index + 1) / (swaps + 1)
                while completed.load(ordering: .relaxed) < threshold { usleep(500) }
                holder.replace(with: replacement.context)
                swapCount.add(1, ordering: .relaxed)
            }
            swapsDone.leave()
        }.start()
        done.wait()
        swapsDone.wait()

        #expect(failures.withLock { $0 } == [])
        #expect(completed.load(ordering: .relaxed) == total)
        #expect(swapCount.load(ordering: .relaxed) == swaps)
        let lastSerial = replacements[swaps - 1].leaf.serialNumberHex
        for _ in 0..<3 {
            #expect(try fixture.servedChain().first?.serialNumberHex == lastSerial)
        }
        #expect(try fixture.httpsGet("/").status == 200)
    }

    @Test func aKeyThatDoesNotMatchTheChainIsRefusedAndTheOldCertificateKeepsServing() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let newLeaf = try TLSTestSupport.makeLeaf(fixture.ca)
        let otherKey = PrivateKey.generateECP256()

        #expect(throws: TLSError.keyMismatch) {
            try fixture.holder.replace(certificateChainPEM: newLeaf.certificate.pem, privateKeyPEM: otherKey.pkcs8PEM)
        }
        #expect(throws: TLSError.self) {
            try fixture.holder.replace(
                certificateChainPEM: Array("not a certificate".utf8), privateKeyPEM: otherKey.pkcs8PEM)
        }
        #expect(try fixture.servedChain().first?.serialNumberHex == fixture.initialLeaf.serialNumberHex)
        #expect(try fixture.httpsGet("/").status == 200)
    }

    @Test func aMatchingPairFromPEMIsServedToTheNextConnection() throws {
        let fixture = try HTTPSServerFixture()
        defer { fixture.stop() }
        let newLeaf = try TLSTestSupport.makeLeaf(fixture.ca)

        try fixture.holder.replace(certificateChainPEM: newLeaf.certificate.pem, privateKeyPEM: newLeaf.key.pkcs8PEM)

        #expect(try fixture.servedChain().first?.serialNumberHex == newLeaf.certificate.serialNumberHex)
        #expect(try fixture.httpsGet("/").status == 200)
    }

    @Test func aKeepAliveConnectionOpenedBeforeASwapKeepsWorking() throws {
        let fixture = try HTTPSServerFixture(workers: 1)
        defer { fixture.stop() }
        let client = try HTTPSServerKeepAliveClient(port: fixture.httpsPort, caFile: fixture.caFile)
        #expect(try client.get("/").status == 200)

        let replacement = try fixture.issueContext()
        fixture.holder.replace(with: replacement.context)

        #expect(try client.get("/page").body == HTTPSServerTestHandler.pageBody)
        #expect(try fixture.servedChain().first?.serialNumberHex == replacement.leaf.serialNumberHex)
        #expect(try client.get("/").status == 200)
    }
}
