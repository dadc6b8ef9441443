import FazhiModel
import CCmarkGFM

/// What one build wrote.
public struct BuildSummary: Sendable {
    public var pagesWritten: Int = 0
    public var filesUnchanged: Int = 0
    public var filesRemoved: Int = 0
    public var warnings: Int = 0
    public init() {}
}

/// Renders `<content>/markdown/` with `<templates>/` into `<output>/`. (Stub: lands with the site issue.)
public struct SiteBuilder {
    public let layout: ProjectLayout
    public init(layout: ProjectLayout, baseURL: String? = nil, progress: (@Sendable (String) -> Void)? = nil) {
        self.layout = layout
    }
    public func build() throws -> BuildSummary { BuildSummary() }
}
