/// Form pieces shared by the settings forms: every form carries the CSRF token, every field
/// has a label tied by `for`/`id`, and an error is tied to its field by `aria-describedby`.
enum FormField {
    struct Spec {
        var name: String
        var label: String
        var value: String
        var hint: String?
        var error: String?
        var inputType: String = "text"
        var extraAttributes: [HTMLAttribute] = []
    }

    static func openForm(action: String, csrfToken: String, into page: inout HTMLBuilder) {
        page.open("form", [HTMLAttribute("method", "post"), HTMLAttribute("action", action)])
        page.void(
            "input",
            [HTMLAttribute("type", "hidden"), HTMLAttribute("name", "csrf_token"), HTMLAttribute("value", csrfToken)])
    }

    static func input(_ spec: Spec, into page: inout HTMLBuilder) {
        let fieldID = "field-\(spec.name)"
        page.open("div", [HTMLAttribute("class", spec.error == nil ? "field" : "field field-invalid")])
        page.element("label", [HTMLAttribute("for", fieldID)], text: spec.label)
        var attributes = [
            HTMLAttribute("type", spec.inputType), HTMLAttribute("id", fieldID), HTMLAttribute("name", spec.name),
            HTMLAttribute("value", spec.value),
        ]
        attributes += describedBy(fieldID: fieldID, spec: spec)
        attributes += spec.extraAttributes
        page.void("input", attributes)
        hintAndError(fieldID: fieldID, spec: spec, into: &page)
        page.close("div")
    }

    static func select(_ spec: Spec, options: [String], into page: inout HTMLBuilder) {
        let fieldID = "field-\(spec.name)"
        page.open("div", [HTMLAttribute("class", spec.error == nil ? "field" : "field field-invalid")])
        page.element("label", [HTMLAttribute("for", fieldID)], text: spec.label)
        page.open(
            "select",
            [HTMLAttribute("id", fieldID), HTMLAttribute("name", spec.name)] + describedBy(fieldID: fieldID, spec: spec)
        )
        for option in options {
            var attributes = [HTMLAttribute("value", option)]
            if option == spec.value { attributes.append(.flag("selected")) }
            page.element("option", attributes, text: option)
        }
        page.close("select")
        hintAndError(fieldID: fieldID, spec: spec, into: &page)
        page.close("div")
    }

    static func submit(_ label: String, secondary: Bool = false, into page: inout HTMLBuilder) {
        page.element(
            "button",
            [
                HTMLAttribute("type", "submit"),
                HTMLAttribute("class", secondary ? "button button-secondary" : "button"),
            ],
            text: label)
    }

    private static func describedBy(fieldID: String, spec: Spec) -> [HTMLAttribute] {
        var ids: [String] = []
        if spec.error != nil { ids.append("\(fieldID)-error") }
        if spec.hint != nil { ids.append("\(fieldID)-hint") }
        var attributes: [HTMLAttribute] = []
        if !ids.isEmpty { attributes.append(HTMLAttribute("aria-describedby", ids.joined(separator: " "))) }
        if spec.error != nil { attributes.append(HTMLAttribute("aria-invalid", "true")) }
        return attributes
    }

    private static func hintAndError(fieldID: String, spec: Spec, into page: inout HTMLBuilder) {
        if let error = spec.error {
            page.element(
                "p", [HTMLAttribute("id", "\(fieldID)-error"), HTMLAttribute("class", "field-error")], text: error)
        }
        if let hint = spec.hint {
            page.element(
                "p", [HTMLAttribute("id", "\(fieldID)-hint"), HTMLAttribute("class", "field-hint")], text: hint)
        }
    }
}
