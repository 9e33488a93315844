/// A JSON object member by name, for decoders that look at every member (to refuse unknown ones).
struct MemberKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static let all = MemberKey("all"), any = MemberKey("any"), filter = MemberKey("filter"), params = MemberKey("params"),
               exclude = MemberKey("exclude"), name = MemberKey("name"), type = MemberKey("type")
}
