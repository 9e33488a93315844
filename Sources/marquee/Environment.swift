import Foundation

/// `MARQUEE_*` environment variables: every flag's default comes from one.
enum Environment {
    static func string(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func int(_ name: String) -> Int? {
        string(name).flatMap(Int.init)
    }
}
