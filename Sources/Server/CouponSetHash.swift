import Crypto
import Foundation
import Pricing

/// An order-independent hash of a tenant's coupons for the `/v1/status` digest: the wrapping sum
/// of each coupon's SHA-256. Adding or removing a coupon updates it without the others (sorting
/// and hashing a million codes after every one-code change took seconds).
struct CouponSetHash: Sendable {
    private var lanes = SIMD4<UInt64>(repeating: 0)

    init(_ coupons: some Sequence<CouponDefinition>) {
        for coupon in coupons { add(coupon) }
    }

    mutating func add(_ coupon: CouponDefinition) { lanes &+= Self.hash(coupon) }

    mutating func remove(_ coupon: CouponDefinition) { lanes &-= Self.hash(coupon) }

    var bytes: Data {
        var data = Data()
        for lane in 0..<4 { withUnsafeBytes(of: lanes[lane].littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func hash(_ coupon: CouponDefinition) -> SIMD4<UInt64> {
        let line = "C\(coupon.code)\u{1}\(coupon.promotionID)\u{1}\(coupon.kind.rawValue)\u{1}\(coupon.maxRedemptions ?? -1)\u{1}\(coupon.perCustomer ?? -1)\u{1}\(coupon.customerID ?? "")\u{1}\(coupon.startsAt?.description ?? "")\u{1}\(coupon.endsAt?.description ?? "")"
        return SHA256.hash(data: Data(line.utf8)).withUnsafeBytes { raw in
            SIMD4((0..<4).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) })
        }
    }
}
