import Foundation
import Testing
@testable import Server

/// The bearer token is trimmed as `trimmingCharacters(in: .whitespaces)` did, without Foundation
/// on the usual path.
struct AuthTokenTrimTests {
    @Test func sameAsFoundation() {
        let pieces = ["", " ", "\t", "\u{00A0}", "\u{3000}", "\u{2009}", "\n", "a", "mq_0f", "é", "~", "\u{7F}", "\u{1}"]
        for first in pieces {
            for middle in ["", "x", "mq_abc def", "\u{2003}"] {
                for last in pieces {
                    let token = first + middle + last
                    let substring = ("Bearer " + token).dropFirst(7)
                    #expect(AuthMiddleware.trimmed(substring) == token.trimmingCharacters(in: .whitespaces), "\(Array(token.utf8))")
                }
            }
        }
    }
}
