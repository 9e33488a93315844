import Foundation

/// The OpenAPI document (`openapi.yaml` at the repository root), bundled as a resource.
public enum OpenAPISpec {
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\ninfo: {title: Marquee, version: unknown}\npaths: {}\n" }
        return text
    }()
}
