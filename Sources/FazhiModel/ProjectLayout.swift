/// Where a Fazhi project keeps things. Paths are as given (relative to the working directory or absolute).
public struct ProjectLayout: Sendable, Equatable {
    /// `content/`: reports, generated Markdown, catalog, site config.
    public var content: String
    /// `Templates/`: mustache templates and assets.
    public var templates: String
    /// `public/`: the built site.
    public var output: String

    public init(content: String = "content", templates: String = "Templates", output: String = "public") {
        self.content = content; self.templates = templates; self.output = output
    }

    /// Raw reports (.txt, .html, .htm, .md), any encoding, any folder depth.
    public var reports: String { join(content, "reports") }
    /// One Markdown file per report, written by convert.
    public var markdown: String { join(content, "markdown") }
    /// The indicator catalog.
    public var catalog: String { join(content, "catalog.yaml") }
    /// Site settings.
    public var config: String { join(content, "config.yaml") }

    func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }
}
