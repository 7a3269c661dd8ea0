/// The notice a page shows while a certificate check runs. With script,
/// `/static/js/certificate-status.js` reads `/status.json` and updates the banner in place
/// (no reload: what a person types and the page's one-time message stay). Without script the
/// notice offers a link that loads the page again; the homepage, which has no form, also
/// reloads itself (its `<noscript>` refresh).
enum CheckingNoticeView {
    static func render(pagePath: String, reloadsWithoutScript: Bool, into page: inout HTMLBuilder) {
        page.open(
            "p",
            [
                HTMLAttribute("class", literal: "notice"), HTMLAttribute("role", literal: "status"),
                HTMLAttribute("id", literal: "check-notice"),
            ])
        page.raw("<span class=\"check-notice-text\">Checking the certificate… ")
        page.raw(reloadsWithoutScript ? "this page refreshes by itself.</span> " : "</span>")
        page.element("a", [HTMLAttribute("class", literal: "check-notice-refresh"), HTMLAttribute("href", pagePath)]) {
            page in
            page.raw("Refresh to see the result")
        }
        page.close("p")
        page.raw("<script src=\"/static/js/certificate-status.js\" defer></script>")
    }
}
