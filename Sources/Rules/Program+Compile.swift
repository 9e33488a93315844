extension Program {
    /// Compiles a (normalised) syntax tree.
    static func compile(_ node: RuleNode) -> Program {
        switch node {
        case .constant(let value):
            return .constant(value)
        case .and(let children):
            return .and(children.map(compile))
        case .or(let children):
            return .or(children.map(compile))
        case .nor(let children):
            return .not(.or(children.map(compile)))
        case .not(.field(let predicate)):
            return compileField(predicate, negatedDisplay: true)
        case .not(let child):
            return .not(compile(child))
        case .field(let predicate):
            return compileField(predicate, negatedDisplay: false)
        }
    }

    static func compileField(_ predicate: FieldPredicate, negatedDisplay: Bool) -> Program {
        func leaf(_ test: CompiledTest, negated: Bool = false, traverse: Bool = true) -> Program {
            .leaf(CompiledLeaf(
                path: predicate.path, test: test, negated: negated != negatedDisplay,
                traverse: traverse, predicate: predicate, displayNegated: negatedDisplay))
        }
        switch predicate.test {
        case .eq(let literal): return leaf(.equality(literal))
        case .ne(let literal): return leaf(.equality(literal), negated: true)
        case .gt(let literal): return leaf(.comparison(.gt, literal))
        case .gte(let literal): return leaf(.comparison(.gte, literal))
        case .lt(let literal): return leaf(.comparison(.lt, literal))
        case .lte(let literal): return leaf(.comparison(.lte, literal))
        case .in(let literals): return leaf(.member(MemberSet(literals)))
        case .nin(let literals): return leaf(.member(MemberSet(literals)), negated: true)
        case .exists(let expected): return leaf(.exists, negated: !expected)
        case .size(let count): return leaf(.size(count), traverse: false)
        case .elemMatch(.value(let node)): return leaf(.elemMatchValue(compile(node)), traverse: false)
        case .elemMatch(.document(let node)): return leaf(.elemMatchDocument(compile(node)), traverse: false)
        case .between(let low, let high):
            let both = Program.and([
                compileField(FieldPredicate(path: predicate.path, test: .gte(low), origin: predicate.origin), negatedDisplay: false),
                compileField(FieldPredicate(path: predicate.path, test: .lte(high), origin: predicate.origin), negatedDisplay: false),
            ])
            return negatedDisplay ? .not(both) : both
        case .all(let literals):
            guard !literals.isEmpty else { return .constant(negatedDisplay) }
            let all = Program.and(literals.map {
                compileField(FieldPredicate(path: predicate.path, test: .eq($0), origin: predicate.origin), negatedDisplay: false)
            })
            return negatedDisplay ? .not(all) : all
        }
    }
}
