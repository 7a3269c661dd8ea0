/// Sandbox: a local stand-in for Odoo's certificate service and Odoo server, for `--sandbox`
/// and for the tests.
///
/// Owns: the sandbox's routes (the JSON-RPC certificate call, the status update, its CA file),
/// its registry of demo databases and their eligibility, the misbehaviours it can be told to
/// show (knobs), a small certificate authority that issues real certificates, and running all
/// of that on its own HTTPS listener on loopback.
///
/// Must never: be used by the box's certificate logic (CertService knows only the URL it is
/// given), guard anything real, or listen beyond loopback.
public enum SandboxModule {}
