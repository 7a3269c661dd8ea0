/// BoxConfig: the box's settings as values, with no file, socket or clock.
///
/// Owns: `odoo.conf`'s grammar (`OdooConfig`: reading it as Python's configparser does and
/// changing the box's keys without touching any other line), the settings forms' bodies
/// (`FormData`, `application/x-www-form-urlencoded`) and their rules (`FormValidation`), and
/// the log-level names (`BoxLogLevel`). Pure functions over bytes and strings, so a fuzzer
/// can drive them.
///
/// Must never: open files (the executable's `OdooConfigStore` reads and writes `odoo.conf`),
/// know HTTP requests, routes, CSRF or HTML, or log.
public enum BoxConfigModule {}
