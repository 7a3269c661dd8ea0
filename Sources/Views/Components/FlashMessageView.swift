enum FlashMessageView {
    /// Success is announced politely (`status`); a failure interrupts (`alert`).
    static func render(_ flash: FlashMessageModel?, into page: inout HTMLBuilder) {
        guard let flash else { return }
        switch flash.kind {
        case .success:
            page.element(
                "p", [HTMLAttribute("class", "flash flash-success"), HTMLAttribute("role", "status")], text: flash.text)
        case .failure:
            page.element(
                "p", [HTMLAttribute("class", "flash flash-failure"), HTMLAttribute("role", "alert")], text: flash.text)
        }
    }
}
