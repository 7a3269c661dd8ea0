/// CertService: the HTTPS certificate lifecycle of the box.
///
/// Owns: the certificate store on disk, inspecting a certificate and its key, deciding
/// whether to renew, the request to Odoo's certificate service, the documented error codes,
/// the single-flight checker with its back-off.
///
/// Must never: render HTML, know about routes, know the sandbox (it is reached only through
/// the URL it is given), or run a network request on a caller's thread when the caller is an
/// event loop.
public enum CertServiceModule {}
