import Foundation
import HTTPTypes
import Hummingbird
import Rules

/// `/v1/rules/validate` and `/v1/rules/evaluate`: try conditions without saving anything.
struct RulesController {
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.post("rules/validate", use: validate)
        group.post("rules/evaluate", use: evaluate)
    }

    struct Validated: Encodable {
        var valid: Bool
        var normalized: JSONValue
    }

    struct Evaluated: Encodable {
        var matched: Bool
        var trace: Explanation?
    }

    @Sendable func validate(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        _ = try context.require(.price)
        let object = try await body.jsonObject(request)
        try RequestBody.refuseUnknownMembers(.object(object), fields: ["condition"])
        let condition = try Self.condition(in: object)
        return JSONResponse.make(Validated(valid: true, normalized: condition.normalized().json))
    }

    @Sendable func evaluate(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        _ = try context.require(.price)
        let object = try await body.jsonObject(request)
        try RequestBody.refuseUnknownMembers(.object(object), fields: ["condition", "document", "explain"])  // a misspelt "explian" is not silently off
        let condition = try Self.condition(in: object)
        guard let document = object["document"] else {
            throw APIError.badRequest("missing field \"document\"", path: "/document", code: "missing_field")
        }
        if let path = document.unwritableNumberPaths(at: "/document").first {  // an explanation could not echo it
            let issue = RuleIssue.numberOutOfRange(at: path)
            throw APIError.badRequest(issue.message, path: issue.path, code: issue.code)
        }
        // Evaluation visits about (condition size × document size) values: bounded, so one
        // request cannot hold a core for minutes (a 0.9 MB body took 158 s before).
        let work = Self.nodeCount(object["condition"]!) * Self.nodeCount(document)
        guard work <= Self.maxWork else {
            throw APIError.badRequest("condition size × document size is \(work) values; at most \(Self.maxWork)",
                                      path: "/document", code: "too_large")
        }
        var explain = false
        switch object["explain"] {
        case nil, .null?: break
        case .bool(let value)?: explain = value
        default: throw APIError.badRequest("expected a boolean", path: "/explain", code: "wrong_type")
        }
        let result = condition.evaluateOnce(document, explain: explain)
        return JSONResponse.make(Evaluated(matched: result.matched, trace: explain ? result : nil))
    }

    /// The most (condition nodes × document nodes) an evaluation may visit: a 1,000-node
    /// condition on a 5,000-node cart, far beyond any "try my rule".
    static let maxWork = 5_000_000

    /// Values in `json`, counting containers.
    static func nodeCount(_ json: JSONValue) -> Int {
        switch json {
        case .array(let elements): elements.reduce(1) { $0 + nodeCount($1) }
        case .object(let members): members.values.reduce(1) { $0 + nodeCount($1) }
        default: 1
        }
    }

    static func condition(in object: [String: JSONValue]) throws -> Condition {
        guard let json = object["condition"] else {
            throw APIError.badRequest("missing field \"condition\"", path: "/condition", code: "missing_field")
        }
        return try Condition(parsing: json, basePath: "/condition")
    }
}
