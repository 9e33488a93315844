import Foundation

extension JSONValue {
    /// Compact JSON text with object keys sorted (deterministic). Numbers are written exactly.
    public var jsonText: String {
        String(decoding: jsonBytes, as: UTF8.self)  // exact: the bytes are valid UTF-8
    }

    /// ``jsonText`` as UTF-8 bytes, written directly (no intermediate `String`).
    public var jsonBytes: [UInt8] {
        var writer = JSONBytesWriter()
        writer.value(self)
        return writer.bytes
    }

    /// ``jsonText`` as UTF-8 data.
    public var jsonData: Data { Data(jsonBytes) }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { jsonText }
}
