/// FNV-1a, 64 bit: a stable (unseeded) hash for fingerprints; not cryptographic.
struct StableHash {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0xff)  // separator: never a UTF-8 byte
    }

    private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state = state &* 0x0000_0100_0000_01b3
    }

    var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
