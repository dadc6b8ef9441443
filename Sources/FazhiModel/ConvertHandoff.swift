/// Receives the reports convert writes, as it writes them, so that a build run right after takes them from
/// memory instead of reading and parsing their Markdown files again (`SiteBuilder`'s `ConvertedReports`). Both
/// calls come on convert's worker threads, for many reports at once.
public protocol ConvertHandoff: Sendable {
    /// A report was analysed; `document` has no id yet (ids are decided over the whole corpus afterwards).
    /// Returns what to keep of it until its file is written (nil: nothing; `written` then gets only the bytes).
    func analysed(_ document: ReportDocument) -> (any Sendable)?
    /// The report's Markdown file was written at `path`: `bytes`, with `id`; `size` and `mtime` (ns since 1970)
    /// are the file's stat after the write. `kept` is what `analysed` returned for it, if anything.
    func written(path: String, id: String, bytes: [UInt8], size: Int64, mtime: Int64, kept: (any Sendable)?)
}
