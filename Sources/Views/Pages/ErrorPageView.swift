/// The page for a refused request. It links home but never repeats the request's own data
/// beyond what the caller put in the model.
public enum ErrorPageView {
    public static func render(_ model: ErrorPageModel) -> [UInt8] {
        PageLayout.render(title: "\(model.status) \(model.title) · IoT Box", showsSettingsLink: false) { page in
            page.element("h1", text: "\(model.status) \(model.title)")
            page.raw("<section class=\"card\" aria-labelledby=\"error-page-title\">")
            page.raw("<h2 id=\"error-page-title\">What happened</h2>")
            page.element("p", text: model.message)
            page.raw("<p><a class=\"button\" href=\"/\">Go to the homepage</a></p></section>")
        }
    }
}
