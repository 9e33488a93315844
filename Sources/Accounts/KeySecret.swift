import Crypto
import Foundation

/// Generates and hashes API key secrets.
///
/// A secret is `mq_` followed by 32 random bytes in hex (256 bits from the system CSPRNG).
public enum KeySecret {
    public static let prefixLength = 11

    /// A new random secret.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = generator.next() }
        return "mq_" + hex(bytes)
    }

    /// The hex SHA-256 of a secret: what is stored and looked up.
    public static func hash(_ secret: String) -> String {
        hex(Array(SHA256.hash(data: Data(secret.utf8))))
    }

    /// A random identifier for stored rows (128 bits, hex).
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
