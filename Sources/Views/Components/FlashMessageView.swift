enum FlashMessageView {
    /// Success is announced politely (`status`); a failure interrupts (`alert`).
    static func render(_ flash: FlashMessageModel?, into page: inout HTMLBuilder) {
        guard let flash else { return }
        switch flash.kind {
        case .success:
            page.element(
                "p",
                [HTMLAttribute("class", literal: "flash flash-success"), HTMLAttribute("role", literal: "status")],
                text: flash.text)
        case .failure:
            page.element(
                "p", [HTMLAttribute("class", literal: "flash flash-failure"), HTMLAttribute("role", literal: "alert")],
                text: flash.text)
        }
    }
}
