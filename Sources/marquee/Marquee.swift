import ArgumentParser

@main
struct Marquee: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marquee",
        abstract: "Loyalty audiences and cart pricing, one rules language.",
        subcommands: [Serve.self, Demo.self, DemoDataCommand.self, Migrate.self, Tenants.self, Keys.self, MemberSourceCommand.self]
    )
}
