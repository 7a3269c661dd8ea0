/// How a stored enterprise code is shown: only its last four characters, and only when the
/// code is long enough that four characters reveal little; shorter codes are fully hidden.
/// Enough for a person to recognise which code is stored, useless to someone reading over
/// their shoulder.
public enum EnterpriseCodeMask {
    public static let visibleSuffixLength = 4

    public static func mask(_ code: String) -> String {
        let characters = Array(code)
        guard characters.count >= 2 * visibleSuffixLength else { return "••••" }
        return "••••" + String(characters.suffix(visibleSuffixLength))
    }
}
