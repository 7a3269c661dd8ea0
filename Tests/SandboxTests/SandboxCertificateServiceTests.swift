import CertService
import Foundation
import HTTPCore
import TestSupport
import Testing

@testable import Sandbox

@Suite struct SandboxCertificateServiceTests {
    /// One shared CA for the suite: creating keys is the slow part.
    static let authority: SandboxCertificateAuthority = {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        return try! SandboxCertificateAuthority(directory: directory.path + "/sandbox")
    }()

    func makeService() -> SandboxCertificateService {
        SandboxCertificateService(registry: .demo(), issuer: Self.authority)
    }

    func call(_ service: SandboxCertificateService, _ database: SandboxDatabase?, code: String? = nil) -> HTTPResponse {
        let body = ProvisioningProtocol.requestBody(
            dbUUID: database?.dbUUID ?? "unknown", enterpriseCode: code ?? database?.enterpriseCode ?? "x")
        return respond(
            service,
            HTTPRequest(
                method: "POST", target: "/odoo-enterprise/iot/x509", path: "/odoo-enterprise/iot/x509", body: body))
    }

    func respond(_ service: SandboxCertificateService, _ request: HTTPRequest) -> HTTPResponse {
        guard case .response(let response) = service.handle(request) else {
            Issue.record("expected an immediate response")
            return HTTPResponse(status: 0)
        }
        return response
    }

    func interpret(_ response: HTTPResponse) -> Result<ProvisionedCertificate, CertificateError> {
        ProvisioningProtocol.interpret(ProvisioningResponse(status: response.status, body: response.body))
    }

    @Test func demoRegistryHasOneEligibleDatabaseAndEachKind() {
        let registry = SandboxRegistry.demo()
        #expect(Set(registry.databases.map(\.kind)) == Set(SandboxDatabase.Kind.allCases))
        #expect(registry.databases.filter(\.eligible).map(\.name) == ["demo-production"])
        #expect(registry.databases.allSatisfy { UUID(uuidString: $0.dbUUID) != nil })
    }

    @Test func registryFileIsCreatedOnceAndReadBack() throws {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        let path = directory.path + "/sandbox/registry.json"
        let created = try SandboxRegistry.loadOrCreate(path: path)
        #expect(try SandboxRegistry.loadOrCreate(path: path) == created)
        #expect(directory.read("sandbox/registry.json")?.contains("\"eligible\" : true") == true)
    }

    @Test func eligibleDatabaseGetsARealWildcardCertificate() throws {
        let service = makeService()
        let production = try #require(service.databases.first { $0.eligible })
        let certificate = try interpret(call(service, production)).get()
        let facts = try OpenSSLCertificateInspector().inspect(
            chainPEM: certificate.chainPEM, keyPEM: certificate.keyPEM)
        let domain = "\(production.subdomain).odoo-iot.com"
        #expect(certificate.subjectCommonName == "*." + domain)
        #expect(facts.subjectCommonName == "*." + domain)
        #expect(Set(facts.dnsNames) == ["*." + domain, domain])
        #expect(facts.keyMatches)
        #expect(abs(facts.notAfter.timeIntervalSinceNow - 90 * 86_400) < 300)
        #expect(production.subdomain.count == 8)
    }

    @Test func validityKnobShortensCertificates() throws {
        let service = makeService()
        service.updateKnobs { $0.validity = .seconds(3600) }
        let production = try #require(service.databases.first { $0.eligible })
        let certificate = try interpret(call(service, production)).get()
        let facts = try OpenSSLCertificateInspector().inspect(
            chainPEM: certificate.chainPEM, keyPEM: certificate.keyPEM)
        #expect(abs(facts.notAfter.timeIntervalSinceNow - 3600) < 300)
        #expect(RenewalPolicy().evaluate(facts, now: Date()) == .expiring)
    }

    @Test func everyIneligibleDatabaseIsRefusedWithAReason() throws {
        let service = makeService()
        for database in service.databases where !database.eligible {
            guard case .failure(let error) = interpret(call(service, database)) else {
                Issue.record("\(database.name) got a certificate")
                continue
            }
            #expect(error.code == .loadRequestNoResult)
            #expect(error.detail.contains(database.name))
        }
    }

    @Test func unknownDatabaseAndWrongCodeAreRefused() throws {
        let service = makeService()
        let production = try #require(service.databases.first { $0.eligible })
        if case .failure(let error) = interpret(call(service, nil)) {
            #expect(error.detail.contains("unknown"))
        } else {
            Issue.record("unknown database got a certificate")
        }
        if case .failure(let error) = interpret(call(service, production, code: "wrong")) {
            #expect(error.detail.contains("enterprise code does not match"))
        } else {
            Issue.record("wrong code got a certificate")
        }
    }

    @Test func forcedStatusAndGarbageKnobsChangeTheAnswer() throws {
        let service = makeService()
        let production = try #require(service.databases.first { $0.eligible })
        service.updateKnobs { $0.forcedStatus = 503 }
        #expect(call(service, production).status == 503)
        service.updateKnobs {
            $0.forcedStatus = nil
            $0.answerGarbage = true
        }
        if case .failure(let error) = interpret(call(service, production)) {
            #expect(error.code == .loadRequestNoResult)
        } else {
            Issue.record("garbage answer was accepted")
        }
    }

    @Test func delayKnobDefersTheAnswer() throws {
        let service = makeService()
        service.updateKnobs { $0.delay = .milliseconds(10) }
        let production = try #require(service.databases.first { $0.eligible })
        let request = HTTPRequest(
            method: "POST", target: SandboxCertificateService.provisioningPath,
            path: SandboxCertificateService.provisioningPath,
            body: ProvisioningProtocol.requestBody(dbUUID: production.dbUUID, enterpriseCode: production.enterpriseCode)
        )
        guard case .deferred = service.handle(request) else {
            Issue.record("a delayed answer was immediate")
            return
        }
    }

    @Test func dropKnobClosesProvisioningRequestsOnly() {
        let service = makeService()
        service.updateKnobs { $0.dropConnection = true }
        let provisioning = HTTPRequest(
            method: "POST", target: SandboxCertificateService.provisioningPath,
            path: SandboxCertificateService.provisioningPath)
        let ca = HTTPRequest(method: "GET", target: "/sandbox/ca.pem", path: "/sandbox/ca.pem")
        guard case .closeConnection = service.handle(provisioning) else {
            Issue.record("a dropped provisioning request must close the connection")
            return
        }
        guard case .response(let response) = service.handle(ca) else {
            Issue.record("the CA is still served")
            return
        }
        #expect(response.status == 200)
    }

    @Test func statusUpdatesAreRecordedAndCAIsServed() {
        let service = makeService()
        let body = ProvisioningProtocol.statusUpdateBody(
            identifier: "box-7", certificateEnd: Date(timeIntervalSince1970: 1_801_267_200))
        let update = respond(
            service,
            HTTPRequest(
                method: "POST", target: SandboxCertificateService.statusUpdatePath,
                path: SandboxCertificateService.statusUpdatePath, body: body))
        #expect(update.status == 200)
        #expect(
            service.statusUpdates == [.init(identifier: "box-7", certificateEndDate: "2027-01-30 00:00:00")])
        let ca = respond(service, HTTPRequest(method: "GET", target: "/sandbox/ca.pem", path: "/sandbox/ca.pem"))
        #expect(String(decoding: ca.body, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test func caIsCreatedOncePrivatelyAndReused() throws {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        let first = try SandboxCertificateAuthority(directory: directory.path + "/sandbox")
        let second = try SandboxCertificateAuthority(directory: directory.path + "/sandbox")
        #expect(first.caCertificatePEM == second.caCertificatePEM)
        #expect(directory.mode(of: "sandbox/ca-key.pem") == 0o600)
        #expect(directory.mode(of: "sandbox") == 0o700)
    }

    /// `knobs.json` is edited by hand: a number no certificate can carry must not stop the box.
    @Test func knobsFileWithAnImpossibleValidityKeepsTheDefault() throws {
        let directory = TemporaryDirectory(prefix: "sandbox-tests")
        defer { directory.remove() }
        directory.write("knobs.json", #"{"validity_days": 1e300, "answer_garbage": true}"#)
        let knobs = try #require(SandboxKnobs.load(path: directory.path + "/knobs.json"))
        #expect(knobs.validity == SandboxKnobs().validity)
        #expect(knobs.answerGarbage)
    }
}
