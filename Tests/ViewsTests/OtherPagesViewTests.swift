import Testing

@testable import Views

@Suite struct OtherPagesViewTests {
    @Test func logsPageShowsLinesInOrderEscaped() {
        let model = LogsModel(lines: ["first <line>", "second line"], level: "debug")
        let html = ViewsFixtures.text(LogsView.render(model))
        #expect(html.contains("first &lt;line&gt;\nsecond line\n"))
        #expect(html.contains("<strong>debug</strong>"))
        #expect(html.contains("href=\"/logs/download\""))
    }

    @Test func emptyLogsPageSaysSo() {
        let html = ViewsFixtures.text(LogsView.render(LogsModel(lines: [], level: "warning")))
        #expect(html.contains("No log lines yet."))
    }

    @Test func errorPageShowsStatusTitleAndMessage() {
        let model = ErrorPageModel(status: 421, title: "Misdirected Request", message: "This name <is> not the box.")
        let html = ViewsFixtures.text(ErrorPageView.render(model))
        #expect(html.contains("<title>421 Misdirected Request · IoT Box</title>"))
        #expect(html.contains("<h1>421 Misdirected Request</h1>"))
        #expect(html.contains("This name &lt;is&gt; not the box."))
    }
}
