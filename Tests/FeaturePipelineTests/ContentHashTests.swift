@testable import FeaturePipeline
import Foundation
import Testing

@Suite struct ContentHashTests {
    /// FIPS 180-4 / NIST test vectors.
    @Test func standardVectors() {
        #expect(ContentHash.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentHash.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(ContentHash.hex(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInOddPiecesEqualsOneShot() {
        let text = String(repeating: "the quick brown fox ", count: 37)
        var h = ContentHash()
        var rest = Substring(text)
        for size in [1, 63, 64, 65, 7, 200] where !rest.isEmpty {
            h.update(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        h.update(String(rest))
        #expect(h.finalize() == ContentHash.hex(text))
    }

    @Test func fieldsAreLengthPrefixed() {
        var a = ContentHash(), b = ContentHash()
        a.field("ab"); a.field("c")
        b.field("a"); b.field("bc")
        #expect(a.finalize() != b.finalize())
    }
}
