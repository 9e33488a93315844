/// Checks a condition's JSON against ``RuleLimits`` before parsing (bounded recursion).
struct LimitChecker {
    let limits: RuleLimits
    var issues: [RuleIssue] = []
    var nodes = 0
    var reportedNodes = false

    init(limits: RuleLimits) {
        self.limits = limits
    }

    mutating func add(_ message: String, at path: String) {
        guard issues.count < ConditionParser.maxIssues else { return }
        issues.append(RuleIssue(code: "limit_exceeded", message: message, path: path))
    }

    /// `path` is built only when needed (an issue here, or children to check): one pointer per
    /// element was most of checking a 10,000-element list.
    mutating func check(_ json: JSONValue, path: @autoclosure () -> String, depth: Int) {
        nodes += 1
        if nodes > limits.maxNodes {
            if !reportedNodes {
                reportedNodes = true
                add("condition has more than \(limits.maxNodes) nodes", at: path())
            }
            return
        }
        switch json {
        case .string(let string):
            if string.utf8.count > limits.maxStringLength {
                add("string longer than \(limits.maxStringLength) bytes", at: path())
            }
        case .array(let elements):
            let here = path()
            guard depth <= limits.maxDepth else { add("nesting deeper than \(limits.maxDepth)", at: here); return }
            if elements.count > limits.maxArrayLength {
                add("array longer than \(limits.maxArrayLength) elements", at: here)
                return
            }
            for (index, element) in elements.enumerated() {
                check(element, path: ConditionParser.pointer(here, index), depth: depth + 1)
                if reportedNodes { return }
            }
        case .object(let members):
            let here = path()
            guard depth <= limits.maxDepth else { add("nesting deeper than \(limits.maxDepth)", at: here); return }
            for key in ConditionParser.sortedKeys(members) {
                if key.utf8.count > limits.maxStringLength {
                    // Named by its start, and not descended into: pointers built from a key of
                    // up to a megabyte made an 85 MB error response.
                    add("field name longer than \(limits.maxStringLength) bytes",
                        at: ConditionParser.pointer(here, String(key.prefix(64)) + "…"))
                    continue
                }
                check(members[key]!, path: ConditionParser.pointer(here, key), depth: depth + 1)
                if reportedNodes { return }
            }
        default:
            break
        }
    }
}
