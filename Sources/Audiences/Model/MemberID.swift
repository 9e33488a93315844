/// Member ids as text (paths, cursors, a cart's customer id): canonical decimal only. `UInt32(_:)`
/// alone also reads "+3", "-0" and "003", which elsewhere (coupons bound to a customer, conditions
/// on `customer.id`) are other customers than "3" and "0".
public enum MemberID {
    public static func parse(_ text: some StringProtocol) -> UInt32? {
        let digits = text.utf8
        guard let first = digits.first, first != UInt8(ascii: "0") || digits.count == 1,
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return UInt32(text)
    }
}
