/// The recent log lines, newest last, as the log file has them.
public enum LogsView {
    public static func render(_ model: LogsModel) -> [UInt8] {
        PageLayout.render(title: "Logs · IoT Box") { page in
            page.raw("<p class=\"back\"><a href=\"/settings\">← Settings</a></p><h1>Logs</h1>")
            page.raw(
                "<section class=\"card\" aria-labelledby=\"recent-title\"><h2 id=\"recent-title\">Recent lines</h2>")
            page.element("p") { page in
                page.raw("Recording level: ")
                page.element("strong", text: model.level)
                page.raw(" · <a href=\"/logs/download\">Download the log file</a>")
            }
            if model.lines.isEmpty {
                page.raw("<p>No log lines yet.</p>")
            } else {
                page.open("pre", [HTMLAttribute("class", "log"), HTMLAttribute("tabindex", "0")])
                for line in model.lines {
                    page.text(line)
                    page.raw("\n")
                }
                page.close("pre")
            }
            page.raw("</section>")
        }
    }
}
