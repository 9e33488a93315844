import Rules

extension Promotion {
    static let fields: Set<String> = [
        "id", "version", "name", "description", "enabled", "startsAt", "endsAt", "channels", "stores", "currency",
        "trigger", "coupon", "target", "action", "maxDiscount", "maxApplications", "priority", "exclusive",
        "combinesWith", "group",
    ]

    /// Parses a promotion document, reporting every problem at once with JSON-pointer paths
    /// (`/trigger/$and/1/total`, `/action/percent`, `/endsAt`, …).
    ///
    /// - Parameters:
    ///   - generatedID: used when the document has no `id` (storage generates one); without it a
    ///     missing id is a `required` issue.
    ///   - limits: size limits for the `trigger` and `target` conditions.
    ///   - checksTargetFields: report target fields no line has (off for documents stored before
    ///     the check, which must still load).
    public init(parsing document: JSONValue, generatedID: String? = nil, limits: RuleLimits = .default,
                checksTargetFields: Bool = true) throws(RuleErrors) {
        var reader = DocumentReader()
        guard let members = reader.object(document, at: "", allowed: Promotion.fields) else {
            throw RuleErrors(issues: reader.issues)
        }
        var id = generatedID
        if let value = members["id"], value != .null {
            id = reader.string(value, at: "/id", maxLength: 64)
        } else if generatedID == nil {
            reader.report("required", "\"id\" is required", at: "/id")
        }
        if let given = id, !Promotion.isValidSlug(given) {
            reader.report("invalid_id", "an id is 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit", at: "/id")
        }
        var version = 0
        if let value = members["version"], value != .null {
            version = reader.integer(value, at: "/version", in: 0...Int(Int32.max)) ?? 0
        }
        let name = reader.required(members, "name", at: "").flatMap { reader.string($0, at: "/name", maxLength: 200) }
        let description = reader.optionalString(members, "description", at: "", maxLength: 4_000)
        let enabled = reader.bool(members, "enabled", at: "", default: true)
        let startsAt = reader.timestamp(members, "startsAt", at: "")
        let endsAt = reader.timestamp(members, "endsAt", at: "")
        let channels = reader.stringArray(members, "channels", at: "")
        let stores = reader.stringArray(members, "stores", at: "")
        var currency: Currency?
        var currencyInvalid = false
        if let value = members["currency"], value != .null {
            currency = reader.currency(value, at: "/currency")
            currencyInvalid = currency == nil
        }
        let trigger = reader.condition(members, "trigger", limits: limits)
        let coupon = reader.bool(members, "coupon", at: "", default: false)
        let target = reader.condition(members, "target", limits: limits)
        if checksTargetFields, target != nil, let json = members["target"] { reader.checkLineFields(json, at: "/target") }
        let action = reader.required(members, "action", at: "").flatMap { reader.action($0, currency: currency) }
        var maxDiscount: Money?
        if let value = members["maxDiscount"], value != .null {
            maxDiscount = reader.amount(value, at: "/maxDiscount", currency: currency)
        }
        var maxApplications: Int?
        if let value = members["maxApplications"], value != .null {
            maxApplications = reader.integer(value, at: "/maxApplications", in: 1...1_000_000)
        }
        var priority = 0
        if let value = members["priority"], value != .null {
            priority = reader.integer(value, at: "/priority", in: Promotion.priorityRange) ?? 0
        }
        let exclusive = reader.bool(members, "exclusive", at: "", default: false)
        let combinesWith = reader.stringArray(members, "combinesWith", at: "")
        let group = reader.optionalString(members, "group", at: "", maxLength: 64)
        if let group, !Promotion.isValidSlug(group) {
            reader.report("invalid_group", "a group name is 1-64 letters, digits, '-', '_' or '.'", at: "/group")
        }
        if case .array(let entries)? = members["combinesWith"] {
            for (index, entry) in entries.enumerated() {
                if case .string(let text) = entry, !text.isEmpty, text != "*", !Promotion.isValidSlug(text) {
                    reader.report("invalid_reference", "expected a promotion id, a group name or \"*\"", at: JSONPointer.append("/combinesWith", index))
                }
            }
        }

        if currency == nil && !currencyInvalid {
            let absolute: Set<String> = ["amountOff", "fixedPrice", "multiBuy", "tieredSpend"]
            let actionType: String? = if case .string(let type)? = members["action"]?["type"] { type } else { nil }
            if actionType.map(absolute.contains) == true || (members["maxDiscount"] ?? .null) != .null {
                reader.report("required", "\"currency\" is required when the promotion has absolute amounts", at: "/currency")
            }
        }

        // Cross-field checks need every typed value; run them on what parsed, suppressing the
        // ones whose inputs already produced an issue.
        var issues = reader.issues
        if let id, let name, let action {
            let candidate = Promotion(
                unchecked: id, version: version, name: name, description: description, enabled: enabled,
                startsAt: startsAt, endsAt: endsAt, channels: channels, stores: stores, currency: currency,
                trigger: trigger, coupon: coupon, target: target, action: action, maxDiscount: maxDiscount,
                maxApplications: maxApplications, priority: priority, exclusive: exclusive,
                combinesWith: combinesWith, group: group)
            let reported = Set(issues.map(\.path))
            for issue in candidate.validate() where !reported.contains(issue.path) {
                if issue.path == "/currency" && currencyInvalid { continue }
                issues.append(issue)
            }
            if issues.isEmpty {
                self = candidate
                return
            }
        } else if let startsAt, let endsAt, endsAt <= startsAt {
            issues.append(RuleIssue(code: "ends_before_start", message: "endsAt must be after startsAt", path: "/endsAt"))
        }
        throw RuleErrors(issues: issues)
    }

    /// Every problem of a promotion document (empty when valid); see ``init(parsing:generatedID:limits:)``.
    public static func validate(_ document: JSONValue, limits: RuleLimits = .default) -> [RuleIssue] {
        do {
            _ = try Promotion(parsing: document, generatedID: "validation", limits: limits)
            return []
        } catch {
            return error.issues
        }
    }

    /// Memberwise initialiser without validation (for the parser, which validates afterwards).
    init(unchecked id: String, version: Int, name: String, description: String?, enabled: Bool,
         startsAt: RuleDateTime?, endsAt: RuleDateTime?, channels: [String], stores: [String], currency: Currency?,
         trigger: Condition?, coupon: Bool, target: Condition?, action: PromotionAction, maxDiscount: Money?,
         maxApplications: Int?, priority: Int, exclusive: Bool, combinesWith: [String], group: String?) {
        self.id = id
        self.version = version
        self.name = name
        self.description = description
        self.enabled = enabled
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.channels = channels
        self.stores = stores
        self.currency = currency
        self.trigger = trigger
        self.coupon = coupon
        self.target = target
        self.action = action
        self.maxDiscount = maxDiscount
        self.maxApplications = maxApplications
        self.priority = priority
        self.exclusive = exclusive
        self.combinesWith = combinesWith
        self.group = group
    }
}

extension DocumentReader {
    /// A rules-language condition member, parsed with paths under `/<key>`.
    mutating func condition(_ members: [String: JSONValue], _ key: String, limits: RuleLimits) -> Condition? {
        guard let value = members[key], value != .null else { return nil }
        do {
            return try Condition(parsing: value, basePath: "/" + key, limits: limits)
        } catch {
            issues.append(contentsOf: error.issues)
            return nil
        }
    }
}

extension DocumentReader {
    /// The fields of a line document, which a target is evaluated on.
    static let lineFields: Set<String> = ["id", "sku", "quantity", "unitPrice", "subtotal", "category", "brand", "attributes"]

    /// Reports a target field that no line document has: `{"lines.sku": "A"}` parsed and
    /// matched nothing, so the promotion silently never applied (found by review).
    mutating func checkLineFields(_ condition: JSONValue, at path: String) {
        guard case .object(let members) = condition else { return }
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            let keyPath = JSONPointer.append(path, key)
            switch key {
            case "$and", "$or", "$nor":
                guard case .array(let elements) = value else { continue }
                for (index, element) in elements.enumerated() { checkLineFields(element, at: JSONPointer.append(keyPath, index)) }
            case "$not":
                checkLineFields(value, at: keyPath)
            default:
                let root = String(key.prefix { $0 != "." })
                guard !key.hasPrefix("$"), !Self.lineFields.contains(root) else { continue }
                report("unknown_field", "a target is evaluated on each line, whose fields are "
                       + Self.lineFields.sorted().joined(separator: ", ") + "; \"\(root)\" is not one"
                       + (root == "lines" ? " (write the line field without \"lines.\")" : ""), at: keyPath)
            }
        }
    }
}
