/// Views: HTML rendering as pure functions from view models to bytes.
///
/// Must never: touch files, sockets or clocks. Every value is HTML-escaped on output.
public enum ViewsModule {}
