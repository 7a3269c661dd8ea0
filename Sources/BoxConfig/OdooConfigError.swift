import SystemKit

/// Why `odoo.conf` could not be read, understood or written. Line numbers start at 1.
public enum OdooConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line that is neither a comment, a section header nor `key = value`.
    case malformedLine(line: Int, text: String)
    /// A `key = value` line before the first `[section]`.
    case missingSectionHeader(line: Int)
    case duplicateSection(line: Int, name: String)
    case duplicateKey(line: Int, section: String, key: String)
    case notUTF8
    /// The failed operation and its errno say where it broke.
    case unreadable(FileError)
    /// The failed operation (create, write, fsync, rename) and its errno say where it broke.
    case unwritable(FileError)

    public var description: String {
        switch self {
        case .malformedLine(let line, _):
            // The line itself is not quoted: a hand edit that forgot the `=` leaves the
            // enterprise code alone on it, and this text goes to the log and every page.
            return "odoo.conf line \(line): not a section, comment or key = value"
        case .missingSectionHeader(let line):
            return "odoo.conf line \(line): a key appears before any [section] header"
        case .duplicateSection(let line, let name):
            return "odoo.conf line \(line): section [\(name)] appears a second time"
        case .duplicateKey(let line, let section, let key):
            return "odoo.conf line \(line): key \(key) appears a second time in [\(section)]"
        case .notUTF8:
            return "odoo.conf is not UTF-8 text"
        case .unreadable(let failure):
            return "cannot read odoo.conf: \(failure)"
        case .unwritable(let failure):
            return "cannot write odoo.conf: \(failure)"
        }
    }
}
