import Audiences
import Foundation
import Testing

@Suite("Parameter values")
struct ParameterValueTests {
    func parse(_ input: ParameterInput, _ type: ParameterType) -> Result<ParameterValue, AudienceIssue> {
        ParameterValue.parse(input, as: type, path: "/p")
    }

    @Test func acceptsEachType() throws {
        #expect(try parse("horror", .string).get() == .string("horror"))
        #expect(try parse(42, .integer).get() == .integer(42))
        #expect(try parse("049.900", .decimal).get() == .decimal("49.9"))
        #expect(try parse("-0.00", .decimal).get() == .decimal("0"))
        #expect(try parse(12, .decimal).get() == .decimal("12"))
        #expect(try parse("2024-02-29", .date).get() == .date("2024-02-29"))
        #expect(try parse(true, .boolean).get() == .boolean(true))
        #expect(try parse(["a", "b"], .stringArray).get() == .stringArray(["a", "b"]))
        #expect(try parse([1, 2], .integerArray).get() == .integerArray([1, 2]))
        #expect(try parse([], .integerArray).get() == .integerArray([]))
    }

    @Test(arguments: [
        (ParameterInput.integer(1), ParameterType.string, "/p", "expected a string, found an integer"),
        (.number(1.5), .integer, "/p", "expected an integer, found a number"),
        (.number(49.99), .decimal, "/p", "decimals are written as strings, e.g. \"49.99\""),
        (.string("1e5"), .decimal, "/p", "'1e5' is not a decimal like \"49.99\""),
        (.string(".5"), .decimal, "/p", "'.5' is not a decimal like \"49.99\""),
        (.string("2023-02-29"), .date, "/p", "'2023-02-29' is not a date YYYY-MM-DD"),
        (.string("2024-1-01"), .date, "/p", "'2024-1-01' is not a date YYYY-MM-DD"),
        (.string("true"), .boolean, "/p", "expected a boolean, found a string"),
        (.array(["a", 2]), .stringArray, "/p/1", "expected a string, found an integer"),
        (.string("a"), .integerArray, "/p", "expected an array of integers, found a string"),
        (.null, .string, "/p", "expected a string, found null"),
    ])
    func rejectsMistypedValues(input: ParameterInput, type: ParameterType, path: String, message: String) {
        #expect(parse(input, type) == .failure(AudienceIssue(code: "invalid_parameter", message: message, path: path)))
    }

    @Test func decodesJSONKeepingIntegers() throws {
        let json = #"{"a": 1, "b": 1.5, "c": "x", "d": [true, null], "e": {"f": 9007199254740993}}"#
        let values = try JSONDecoder().decode([String: ParameterInput].self, from: Data(json.utf8))
        #expect(values == ["a": .integer(1), "b": .number(1.5), "c": .string("x"), "d": .array([.bool(true), .null]),
                           "e": .object(["f": .integer(9_007_199_254_740_993)])])
    }

    @Test func roundTripsWithTypes() throws {
        let values: [ParameterValue] = [.string("a\"b"), .integer(-3), .decimal("0.5"), .date("2024-01-31"), .boolean(false),
                                        .stringArray(["x"]), .integerArray([1, 2])]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([ParameterValue].self, from: data) == values)
        #expect(String(decoding: try JSONEncoder().encode(ParameterValue.date("2024-01-31")), as: UTF8.self)
            .contains("\"type\":\"date\""))
    }

    @Test func canonicalJSONIsEscapedAndSorted() {
        let request = FilterRequest(filter: Fixtures.genre, parameters: ["since": .date("2024-01-01"), "genre": .string("sci\"fi\n")])
        #expect(request.canonicalParameters == #"{"genre":"sci\"fi\n","since":"2024-01-01"}"#)
        #expect(ParameterValue.integerArray([3, 1]).canonicalJSON == "[3,1]")
    }
}
