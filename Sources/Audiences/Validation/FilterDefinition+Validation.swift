extension FilterDefinition {
    /// Checks the definition on its own (the lead's storage layer additionally prepares the SQL
    /// against the member database). Returns every problem found, paths relative to `basePath`.
    ///
    /// Checks: id slug, name, SQL is one query (`SELECT`/`WITH`/`VALUES`, no `;`, no `$n`,
    /// literals and comments terminated), parameter names are identifiers and unique, parameters
    /// declared and `:name` placeholders used match exactly (casts, literals and comments are
    /// ignored), TTL within `limits`, a universe filter has no parameters.
    public func validate(limits: FilterLimits = FilterLimits(), basePath: String = "") -> [AudienceIssue] {
        var issues: [AudienceIssue] = []
        func issue(_ code: String, _ message: String, _ path: String) {
            issues.append(AudienceIssue(code: code, message: message, path: path))
        }
        let idPath = JSONPointer.append(basePath, "id")
        if !Self.isSlug(id) {
            issue("invalid_id", "filter ids are 1–63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit", idPath)
        }
        let namePath = JSONPointer.append(basePath, "name")
        if name.allSatisfy({ $0.isWhitespace }) { issue("invalid_name", "the name is empty", namePath) }
        if name.count > 200 { issue("invalid_name", "the name is longer than 200 characters", namePath) }
        if description.count > 4000 {
            issue("invalid_description", "the description is longer than 4000 characters", JSONPointer.append(basePath, "description"))
        }
        validateSQL(limits: limits, basePath: basePath, into: &issues)
        let ttlPath = JSONPointer.append(basePath, "cacheTTLSeconds")
        if !limits.cacheTTLSeconds.contains(cacheTTLSeconds) {
            issue("invalid_ttl", "cacheTTLSeconds must be between \(limits.cacheTTLSeconds.lowerBound) and \(limits.cacheTTLSeconds.upperBound)", ttlPath)
        }
        if universe, !parameters.isEmpty {
            issue("universe_parameters", "the universe filter cannot take parameters", JSONPointer.append(basePath, "parameters"))
        }
        return issues
    }

    private func validateSQL(limits: FilterLimits, basePath: String, into issues: inout [AudienceIssue]) {
        func issue(_ code: String, _ message: String, _ path: String) {
            issues.append(AudienceIssue(code: code, message: message, path: path))
        }
        let sqlPath = JSONPointer.append(basePath, "sql")
        let parametersPath = JSONPointer.append(basePath, "parameters")
        guard !sql.allSatisfy({ $0.isWhitespace }) else {
            issue("invalid_sql", "the SQL is empty", sqlPath)
            return
        }
        if sql.utf8.count > limits.maxSQLBytes {
            issue("invalid_sql", "the SQL is longer than \(limits.maxSQLBytes) bytes", sqlPath)
        }
        let scan = SQLPlaceholderScanner(sql)
        if let what = scan.unterminated { issue("invalid_sql", "unterminated \(what)", sqlPath) }
        if !scan.semicolons.isEmpty {
            issue("invalid_sql", "a filter is one query: remove ';'", sqlPath)
        }
        if !scan.positional.isEmpty {
            issue("invalid_sql", "use named parameters (:name), not positional ones ($1)", sqlPath)
        }
        if let keyword = scan.firstKeyword, !["select", "with", "values"].contains(keyword) {
            issue("invalid_sql", "a filter is a query starting with SELECT, WITH or VALUES", sqlPath)
        }
        if parameters.count > limits.maxParameters {
            issue("too_many_parameters", "more than \(limits.maxParameters) parameters", parametersPath)
        }
        var declared = Set<String>()
        for (index, parameter) in parameters.enumerated() {
            let path = JSONPointer.append(parametersPath, index)
            if !Self.isIdentifier(parameter.name) {
                issue("invalid_parameter_name", "parameter names are identifiers (letters, digits, '_', at most 63 characters)",
                      JSONPointer.append(path, "name"))
            } else if !declared.insert(parameter.name).inserted {
                issue("duplicate_parameter", "parameter '\(parameter.name)' is declared twice", JSONPointer.append(path, "name"))
            }
        }
        let used = scan.placeholders.map(\.name)
        let usedSet = Set(used)
        for (index, parameter) in parameters.enumerated() where Self.isIdentifier(parameter.name) && !usedSet.contains(parameter.name) {
            issue("unused_parameter", "parameter '\(parameter.name)' is declared but the SQL does not use :\(parameter.name)",
                  JSONPointer.append(parametersPath, index))
        }
        var reported = Set<String>()
        for name in used where !declared.contains(name) && reported.insert(name).inserted {
            issue("undeclared_parameter", "the SQL uses :\(name) but no parameter '\(name)' is declared", sqlPath)
        }
    }

    /// `[a-z0-9][a-z0-9_-]{0,62}`.
    static func isSlug(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (!first && (byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")))
        }
        return bytes.enumerated().allSatisfy { allowed($1, first: $0 == 0) }
    }

    /// `[A-Za-z_][A-Za-z0-9_]{0,62}`.
    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.allSatisfy({ $0 < 0x80 }) else { return false }
        return SQLPlaceholderScanner.isIdentifierStart(bytes[0])
            && bytes.allSatisfy { SQLPlaceholderScanner.isIdentifierStart($0) || SQLPlaceholderScanner.isDigit($0) }
    }
}
