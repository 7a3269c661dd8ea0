/// The frame every page shares: document head, top bar and main landmark.
///
/// Only `/static/` assets are linked and nothing is inline (no style attribute, no script),
/// because the pages are served under `Content-Security-Policy: default-src 'self'`.
enum PageLayout {
    static func render(
        title: String, refreshSecondsWithoutScript: Int? = nil, showsSettingsLink: Bool = true,
        content: (inout HTMLBuilder) -> Void
    ) -> [UInt8] {
        var page = start(
            title: title, refreshSecondsWithoutScript: refreshSecondsWithoutScript, showsSettingsLink: showsSettingsLink
        )
        content(&page)
        return finish(page)
    }

    /// The frame up to the start of `main`'s content. The title is `title`, escaped, then
    /// `titleSuffix`. A page that calls `start` and `finish` itself writes its content without
    /// a closure: a closure that reads the page's model is given a copy of the whole model.
    static func start(
        title: String, titleSuffix: StaticString = "", refreshSecondsWithoutScript: Int? = nil,
        showsSettingsLink: Bool = true
    ) -> HTMLBuilder {
        var page = HTMLBuilder()
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        // Only for a browser without script: with script, `certificate-status.js` updates the
        // banner in place, which keeps the page (and its one-time message) as it is.
        if let refreshSecondsWithoutScript {
            page.raw("<noscript>")
            page.void(
                "meta",
                [HTMLAttribute("http-equiv", "refresh"), HTMLAttribute("content", String(refreshSecondsWithoutScript))])
            page.raw("</noscript>\n")
        }
        page.raw("<title>")
        page.text(title)
        page.raw(titleSuffix)
        page.raw("</title>")
        page.raw("\n<link rel=\"stylesheet\" href=\"/static/css/homepage.css\">\n")
        page.raw("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n</head>\n<body>\n")
        page.raw("<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n")
        page.raw("<header class=\"topbar\"><div class=\"topbar-inner\">")
        page.raw("<a class=\"brand\" href=\"/\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"28\" height=\"28\">")
        page.raw("<span>IoT Box</span></a>")
        if showsSettingsLink {
            page.raw("<a class=\"cogs\" href=\"/settings\" aria-label=\"Settings\" title=\"Settings\">")
            page.raw("<img src=\"/static/img/cogs.svg\" alt=\"\" width=\"24\" height=\"24\"></a>")
        }
        page.raw("</div></header>\n<main id=\"main\" class=\"container\">\n")
        return page
    }

    /// The end of the frame, and the page's bytes.
    static func finish(_ page: consuming HTMLBuilder) -> [UInt8] {
        page.raw("\n</main>\n</body>\n</html>\n")
        return page.bytes
    }
}
