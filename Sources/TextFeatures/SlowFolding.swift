import Foundation

/// Unicode NFKC, computed as NFC(NFKD(text)): Foundation's own `precomposedStringWithCompatibilityMapping`
/// on Linux does not compose what the compatibility decomposition produced (half-width ｶﾞ stays
/// カ + U+3099 instead of ガ), so it is not NFKC.
func nfkc(_ text: String) -> String {
    text.decomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
}

/// The slow path's folding of a whole text: NFKC (`nfkc`), then Python's `str.lower`
/// including the Final_Sigma rule (Σ → ς after a cased letter, skipping case-ignorables, and not
/// before one), as UTF-8.
func foldSlowly(_ text: String, normalize: Bool, lowercase: Bool) -> [UInt8] {
    let normalized = normalize ? nfkc(text) : text
    guard lowercase else { return Array(normalized.utf8) }
    let scalars = Array(normalized.unicodeScalars)
    var out: [UInt8] = []
    out.reserveCapacity(normalized.utf8.count + 8)
    for (i, s) in scalars.enumerated() {
        if s.value == 0x3A3 {
            let cased = { (j: Int) in scalars[j].properties.isCased }
            let ignorable = { (j: Int) in scalars[j].properties.isCaseIgnorable }
            var j = i - 1
            while j >= 0 && ignorable(j) { j -= 1 }
            var final = j >= 0 && cased(j)
            if final {
                var k = i + 1
                while k < scalars.count && ignorable(k) { k += 1 }
                final = k == scalars.count || !cased(k)
            }
            appendUTF8(final ? 0x3C2 : 0x3C3, to: &out)
        } else {
            for t in ScalarTable.lower(s) { appendUTF8(t.value, to: &out) }
        }
    }
    return out
}
