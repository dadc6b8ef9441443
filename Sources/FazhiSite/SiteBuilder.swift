import FazhiModel
import Foundation

/// What one build wrote.
public struct BuildSummary: Sendable {
    /// HTML pages written.
    public var pagesWritten: Int = 0
    /// All files written (pages, data, feeds, assets).
    public var filesWritten: Int = 0
    public var filesUnchanged: Int = 0
    /// Files of the previous site that this build no longer produces (gone now).
    public var filesRemoved: Int = 0
    /// Warnings in the reports' front matter plus problems the build found.
    public var warnings: Int = 0
    /// Reports rendered.
    public var reports: Int = 0
    /// Inputs skipped or pages not rendered, each with file and line: the site is built without them.
    public var failed: [Diagnostic] = []
    /// Problems that do not stop a page (unknown indicator ids, anchors missing from a body).
    public var problems: [Diagnostic] = []
    /// Wall time, for the closing summary only (never written into the site).
    public var seconds: Double = 0
    public init() {}
}

/// Renders `<content>/markdown/` with `<templates>/` into `<output>/`.
public struct SiteBuilder {
    public let layout: ProjectLayout
    public let baseURL: String?
    public let progress: (@Sendable (String) -> Void)?

    public init(layout: ProjectLayout, baseURL: String? = nil, progress: (@Sendable (String) -> Void)? = nil) {
        self.layout = layout
        self.baseURL = baseURL
        self.progress = progress
    }

    /// Reads the content and makes the model. With `fragments` (a folder), each report's body and facts
    /// table are rendered while its file is parsed and kept there for its page, so no file is parsed twice
    /// and no body is held in memory.
    public func model(fragments: String? = nil) throws -> (SiteModel, ContentLoader.Loaded) {
        let loader = ContentLoader(layout: layout)
        let config = try loader.config()
        let catalog = try loader.catalog()
        let base = BaseURL(baseURL ?? config.baseURL)
        var sink: (@Sendable (Int, ReportDocument) -> String?)? = nil
        if let fragments {
            sink = { k, doc in
                let path = fragments + "/\(k).html"
                let text = ReportFragment.make(doc, base: base).encoded
                return FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) ? path : nil
            }
        }
        let loaded = loader.reports(catalog: catalog, fragment: sink)
        return (SiteModel(config: config, base: base, catalog: catalog, reports: loaded.entries), loaded)
    }

    /// Builds the whole site. Throws only when nothing sensible can be built (bad config, catalog or
    /// templates; an output folder that is not Fazhi's); a bad report is listed in `failed` and skipped.
    public func build() throws -> BuildSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        var summary = BuildSummary()
        MarkdownRenderer.prepare()
        progress?("[read] \(layout.markdown)")
        let templates = try SiteTemplates(directory: layout.templates)
        _ = try ContentLoader(layout: layout).config()
        _ = try ContentLoader(layout: layout).catalog()
        let out = OutputTree(layout.output)
        try out.prepare()
        let fragments = out.staging + "/.fragments"
        let model: SiteModel, loaded: ContentLoader.Loaded
        do {
            try FileManager.default.createDirectory(atPath: fragments, withIntermediateDirectories: true)
            (model, loaded) = try self.model(fragments: fragments)
        } catch {
            out.abort()
            throw error
        }
        summary.failed = loaded.failed
        summary.problems = loaded.problems
        summary.reports = model.reports.count
        summary.warnings = model.reports.reduce(0) { $0 + $1.meta.warnings.count + $1.problems.count }

        let pages = SitePages(model: model, templates: templates)
        let jobs = pages.jobs()
        let assets = assetFiles()
        do {
            try out.makeDirectories(for: jobs.map(\.path) + assets.map { "assets/" + $0 })
            for a in assets {
                let data = FileManager.default.contents(atPath: assetsDir + "/" + a) ?? Data()
                try out.write("assets/" + a, [UInt8](data))
            }
            let n = jobs.count
            let counter = Counter()
            let errors = DiagnosticBox()
            let writeErrors = DiagnosticBox()
            let step = n <= 100 ? 1 : n / 100
            let progress = self.progress
            DispatchQueue.concurrentPerform(iterations: n) { i in
                let job = jobs[i]
                do {
                    let text = try job.render()
                    // A page that cannot be written (full disk) is not a bad input: the whole build fails.
                    do { try out.write(job.path, Array(text.utf8)) } catch let d as Diagnostic { writeErrors.append(d) }
                } catch let d as Diagnostic {
                    errors.append(d)
                } catch {
                    errors.append(Diagnostic(file: job.path, "cannot render: \(error)"))
                }
                let done = counter.next()
                if let progress, done == n || done % step == 0 { progress("[\(done)/\(n)] render \(job.path)") }
            }
            if let w = writeErrors.sorted().first { throw w }
            summary.failed += errors.sorted()
            try FileManager.default.removeItem(atPath: fragments)
            summary.filesRemoved = try out.commit()
        } catch {
            out.abort()
            throw error
        }
        let failedPages: Set<String> = Set(summary.failed.map { $0.file })
        let written: [PageJob] = jobs.filter { !failedPages.contains($0.path) }
        summary.pagesWritten = written.filter { $0.path.hasSuffix(".html") }.count
        summary.filesWritten = written.count + assets.count + 1
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    var assetsDir: String { (layout.templates.hasSuffix("/") ? layout.templates : layout.templates + "/") + "assets" }

    /// Files under `<templates>/assets`, relative, sorted.
    func assetFiles() -> [String] {
        OutputTree.files(under: assetsDir).filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

final class DiagnosticBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Diagnostic] = []
    func append(_ d: Diagnostic) { lock.lock(); items.append(d); lock.unlock() }
    func sorted() -> [Diagnostic] {
        lock.lock(); defer { lock.unlock() }
        return items.sorted { $0.file != $1.file ? $0.file < $1.file : ($0.line ?? 0) < ($1.line ?? 0) }
    }
}
