/// Compact JSON into a byte array: what `JSONValue.jsonText` is made of. String escapes are
/// `\"`, `\\`, `\n`, `\r`, `\t` and `\u00xx` for other control characters (nothing else
/// escaped), numbers are exact, object keys in UTF-8 byte order. Pricing writes its responses
/// with it directly, without building `JSONValue`s.
public struct JSONBytesWriter {
    public var bytes: [UInt8] = []

    @inlinable public init() {}

    /// ASCII text written as is (structure and keys known not to need escapes).
    @inlinable public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inlinable public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// The elements of an array, comma-separated, each written by `element` (brackets not included).
    @inlinable public mutating func elements<Elements: Collection>(_ items: Elements, _ element: (inout JSONBytesWriter, Elements.Element) -> Void) {
        for (offset, item) in items.enumerated() {
            if offset > 0 { comma() }
            element(&self, item)
        }
    }

    /// A decimal integer (what `JSONValue.int` writes).
    @inlinable public mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    /// A JSON string with `JSONValue.jsonText`'s escapes.
    @inlinable public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case 0x22: bytes.append(0x5C); bytes.append(0x22)
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)]])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Any JSON value, as `JSONValue.jsonText` writes it.
    @inlinable public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .number(let number): bytes.append(contentsOf: number.description.utf8)
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            self.elements(elements) { $0.value($1) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            self.elements(members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })) { writer, key in
                writer.string(key)
                writer.bytes.append(UInt8(ascii: ":"))
                writer.value(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
