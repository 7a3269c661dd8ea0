import CertService
import HTTPCore

extension HomepageApp {
    /// The box's own origins as they are now: its current addresses, host name and listener
    /// ports, and the HTTPS names of the certificate in service. Built on each use (a few
    /// small sets): only state-changing requests and cross-origin calls need it.
    var originPolicy: OriginPolicy {
        let machine = self.machine
        let listeners = https.serverListeners
        let addresses = machine.allAddresses + ["127.0.0.1", "::1"]
        var httpsNames: [String] = []
        if let served = https.served, let subject = served.subject {
            httpsNames = addresses.compactMap { address in
                CertificateStatus.httpsURL(ipAddress: address, subject: subject, port: served.port)
                    .flatMap { WebOrigin(url: $0) }
                    .flatMap { origin in
                        if case .name(let name) = origin.host { return name }
                        return nil
                    }
            }
        }
        return OriginPolicy(
            addresses: addresses, hostName: machine.hostName, httpsNames: httpsNames,
            httpPorts: listeners.filter { !$0.isSecure }.map(\.port),
            httpsPorts: listeners.filter(\.isSecure).map(\.port))
    }
}
