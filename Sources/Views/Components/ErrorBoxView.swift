enum ErrorBoxView {
    /// `role="alert"` so a screen reader announces the problem as soon as the page loads.
    static func render(_ error: ErrorBoxModel?, into page: inout HTMLBuilder) {
        guard let error else { return }
        page.raw("<section class=\"card error-box\" role=\"alert\" aria-labelledby=\"error-title\">")
        page.raw("<h2 id=\"error-title\">Certificate error</h2>")
        page.element("p", [HTMLAttribute("class", literal: "error-code")]) { page in
            page.element("code", text: error.displayCode)
        }
        page.element("p", text: error.meaning)
        if let detail = error.detail, !detail.isEmpty {
            page.element("p", [HTMLAttribute("class", literal: "error-detail")]) { page in
                page.raw("<strong>Details:</strong> ")
                page.text(detail)
            }
        }
        if !error.advice.isEmpty {
            page.raw("<h3>What to do</h3><ul class=\"advice\">")
            for step in error.advice {
                page.element("li", text: step)
            }
            page.raw("</ul>")
        }
        page.raw("</section>")
    }
}
