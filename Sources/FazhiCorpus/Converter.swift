import FazhiModel
import FazhiIndicators

/// What one convert run did.
public struct ConvertSummary: Sendable {
    /// Markdown files written (new or changed input).
    public var converted: [String] = []
    /// Inputs whose Markdown was already up to date.
    public var unchanged: Int = 0
    /// Markdown files marked `locked: true`, kept as they are.
    public var kept: [String] = []
    /// Inputs skipped with an error (file and line when known).
    public var failed: [Diagnostic] = []
    /// Warnings written into front matter, over all reports converted in this run.
    public var warnings: Int = 0
    public init() {}
}

/// Turns the raw report corpus (`<content>/reports/`) into Markdown files (`<content>/markdown/`).
/// (Stub: lands with the convert issue.)
public struct Converter {
    public let layout: ProjectLayout

    /// `progress` receives one line per step for a progress display.
    public init(layout: ProjectLayout, progress: (@Sendable (String) -> Void)? = nil) {
        self.layout = layout
    }

    /// Converts what changed since the last run; `force` converts everything again (locked files are still kept).
    public func run(force: Bool = false) throws -> ConvertSummary {
        ConvertSummary()
    }
}
