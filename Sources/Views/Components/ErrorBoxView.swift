enum ErrorBoxView {
    /// `role="alert"` so a screen reader announces the problem as soon as the page loads.
    static func render(_ error: ErrorBoxModel?, into page: inout HTMLBuilder) {
        guard let error else { return }
        // Shown on every view without a certificate: fixed markup as literals, only the
        // error's texts escaped.
        page.raw("<section class=\"card error-box\" role=\"alert\" aria-labelledby=\"error-title\">")
        page.raw("<h2 id=\"error-title\">Certificate error</h2><p class=\"error-code\"><code>")
        page.text(error.displayCode)
        page.raw("</code></p><p>")
        page.text(error.meaning)
        page.raw("</p>")
        if let detail = error.detail, !detail.isEmpty {
            page.raw("<p class=\"error-detail\"><strong>Details:</strong> ")
            page.text(detail)
            page.raw("</p>")
        }
        if !error.advice.isEmpty {
            page.raw("<h3>What to do</h3><ul class=\"advice\">")
            for step in error.advice {
                page.raw("<li>")
                page.text(step)
                page.raw("</li>")
            }
            page.raw("</ul>")
        }
        page.raw("</section>")
    }
}
