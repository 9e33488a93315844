import ArgumentParser
import Foundation

/// `MARQUEE_*` environment variables: every flag's default comes from one.
enum Environment {
    static func string(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func int(_ name: String) -> Int? {
        string(name).flatMap(Int.init)
    }

    /// A `ValidationError` naming the first of `names` that is set but not accepted by `parse`,
    /// so a mistyped variable stops the command instead of falling back to the default.
    static func check(_ names: [String], _ parse: (String) -> Bool) throws {
        for name in names {
            if let value = string(name), !parse(value) { throw ValidationError("\(name)=\(value) is not valid") }
        }
    }
}
