// odoo.conf's reader and writer on any file contents. The input is the file, then after each
// 0x00 byte one change (at most 16): its first byte picks a box key (and, with the high bit,
// removes it), the rest is the value typed for it. Every file the reader accepts must print
// back to a file that reads the same; after every change the file must read back exactly what
// was set, one line per value, with every other setting unchanged.
import BoxConfig
import FuzzSupport

/// Line breaks as Python reads a text file (universal newlines), the reader on the other side.
func isLineBreak(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }

/// Blanks Python's `str.strip()` removes around a value.
func isBlank(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
}

func reread(_ config: OdooConfig, _ what: String) -> OdooConfig {
    let reread: OdooConfig
    do {
        reread = try OdooConfig(parsing: Array(config.text.utf8))
    } catch {
        fatalError("\(what): the written file does not read back: \(error)")
    }
    require(reread == config, "\(what): the written file reads back differently")
    return reread
}

runFuzzer { input in
    let parts = input.split(separator: 0, omittingEmptySubsequences: false)
    var config: OdooConfig
    do {
        config = try OdooConfig(parsing: Array(parts[0]))
        _ = reread(config, "unchanged")
    } catch {
        config = OdooConfig()
    }
    for change in parts.dropFirst().prefix(16) {
        guard let selector = change.first else { continue }
        let keys = OdooConfig.Key.allCases
        let key = keys[Int(selector & 0x7F) % keys.count]
        let before = keys.map { config[$0] }
        let value = String(decoding: change.dropFirst(), as: UTF8.self)
        if selector & 0x80 != 0 {
            config[key] = nil
            require(config[key] == nil, "a removed key still reads")
        } else {
            config[key] = value
            if let stored = config[key] {
                let scalars = Array(stored.unicodeScalars)
                require(!scalars.contains(where: isLineBreak), "a value with a line break was stored")
                require(!isBlank(scalars.first!) && !isBlank(scalars.last!), "a value with blanks around was stored")
                let plain = Array(value.unicodeScalars)
                if !plain.isEmpty, !plain.contains(where: isLineBreak), !isBlank(plain.first!), !isBlank(plain.last!) {
                    require(stored == value, "a one-line value was stored changed")
                }
            } else {
                require(value.unicodeScalars.allSatisfy { isBlank($0) }, "a value was set but reads as missing")
            }
        }
        for (index, other) in keys.enumerated() where other != key {
            require(config[other] == before[index], "changing \(key) changed \(other)")
        }
        let written = reread(config, "after setting \(key)")
        require(written[key] == config[key], "\(key) reads back differently")
    }
}
