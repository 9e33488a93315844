import ArgumentParser
import Foundation
import Synchronization

/// `MARQUEE_*` environment variables: every flag's default comes from one. A variable that is
/// set but not valid is remembered, and `throwIfInvalid()` (run by every command's options)
/// stops the command, as the same value given as a flag would.
enum Environment {
    static func string(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The variable parsed by `parse`; nil when unset, or when invalid (then remembered).
    static func value<T>(_ name: String, _ parse: (String) -> T?) -> T? {
        guard let text = string(name) else { return nil }
        guard let value = parse(text) else {
            invalid.withLock { $0.append("\(name)=\(text)") }
            return nil
        }
        return value
    }

    static func int(_ name: String) -> Int? {
        value(name) { Int($0) }
    }

    static let invalid = Mutex<[String]>([])

    static func throwIfInvalid() throws {
        if let first = invalid.withLock({ $0.first }) { throw ValidationError("\(first) is not valid") }
    }
}
