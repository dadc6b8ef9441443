import ArgumentParser
import FazhiCorpus
import FazhiModel
import FazhiSite
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Convert new or changed reports, then render the site into <output> (default public/).",
        discussion: """
        Incremental: a cache in .fazhi-cache/ beside the output remembers the last build, so only pages whose \
        inputs changed are rendered and only files whose bytes changed are written (--clean ignores it). \
        Changes are staged in <output>.tmp-build and applied only when complete, so a failed build leaves \
        the previous site whole. A Markdown file that cannot be read is reported as file:line and skipped; the \
        rest of the site is built, and the exit status is 1 so that CI notices.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("base-url"), help: "Where the site is served, e.g. /fazhi/ or https://example.org/fazhi/ (overrides config.yaml).")
    var baseURL: String?

    @Flag(name: .customLong("no-convert"), help: "Skip convert: render the Markdown as it is.")
    var noConvert = false

    @Flag(name: .customLong("no-search"), help: "Skip the search index (Pagefind); the search page then says search is unavailable.")
    var noSearch = false

    @Flag(help: "Ignore the build cache (.fazhi-cache/ beside the output): render every page and replace the whole site.")
    var clean = false

    func run() throws {
        let out = ProgressPrinter()
        var failed = false
        var builder = SiteBuilder(layout: global.layout, baseURL: baseURL, progress: { out.line($0) })
        builder.search.enabled = !noSearch
        builder.leftovers = BuildLeftovers()
        if !clean { builder.prefetchCache() }
        // Convert's cache is written while the site is built; waited for before the process ends.
        let convertCacheWrites = DispatchGroup()
        defer { convertCacheWrites.wait() }
        if !noConvert {
            var converter = Converter(layout: global.layout, progress: { out.line($0) })
            converter.cacheWrites = convertCacheWrites
            converter.startAhead(&builder, clean: clean)
            let summary = try converter.run(force: clean)
            out.finish()
            for d in summary.failed { out.error(d.description) }
            if !summary.failed.isEmpty { failed = true }
        }
        let summary: BuildSummary
        do { summary = try builder.build(clean: clean) } catch let d as Diagnostic {
            out.finish()
            out.error(d.description)
            throw ExitCode(1)
        } catch {
            // A file system error (unwritable output, full disk): name the output; the previous site is untouched.
            out.finish()
            out.error("\(global.output): error: cannot build the site there: \(error.localizedDescription) (the previous site, if any, is unchanged)")
            throw ExitCode(1)
        }
        out.finish()
        for d in summary.problems { out.error(d.description) }
        for d in summary.failed { out.error(d.description) }
        let time = String(format: "%.2f", summary.seconds)
        print("built \(global.output): \(summary.reports) reports, \(summary.pagesWritten) pages, \(summary.filesWritten) files written, "
              + "\(summary.filesUnchanged) unchanged, \(summary.filesRemoved) removed, \(summary.warnings) warnings, \(summary.failed.count) errors in \(time) s")
        if summary.search.state == .failed {
            out.error("pagefind failed; the site is built without a search index:\n" + summary.search.detail.suffix(2000))
        }
        print(summary.search.line)
        let status: Int32 = failed || !summary.failed.isEmpty || summary.search.state == .failed ? 1 : 0
        // The process ends here, before the builder and its read-ahead build cache are freed object by object
        // (55 ms after adding one report to 5,000, for memory the system takes back at once).
        convertCacheWrites.wait()
        withExtendedLifetime(builder) { endProcess(status) }
    }
}

/// Flushes standard output and ends the process with `status` (C's `exit`, which the command types' own
/// `exit(withError:)` would hide inside them).
func endProcess(_ status: Int32) -> Never {
    fflush(nil)
    exit(status)
}

/// Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let tty = isatty(2) != 0
    private var open = false

    func line(_ s: String) {
        lock.lock(); defer { lock.unlock() }
        if tty {
            var text = s
            if text.count > 100 { text = String(text.prefix(97)) + "…" }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            open = true
        } else {
            FileHandle.standardError.write(Data((s + "\n").utf8))
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if open { FileHandle.standardError.write(Data("\n".utf8)); open = false }
    }

    func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

extension Converter {
    /// Connects this run to the build that follows it. Each report the run writes is handed to `builder`
    /// (`ConvertedReports`), which then neither hashes nor parses its file. Unless `clean`, `builder` may start
    /// what a build with changes needs (the build cache's entries, Pagefind's service: `SiteBuilder.changesAhead`)
    /// at this run's first sign of a change (`mayHaveChanged`), or at once when a folder of reports already
    /// changed since the last run (`reportFoldersChanged`) or `reportsAdded`.
    mutating func startAhead(_ builder: inout SiteBuilder, clean: Bool = false, reportsAdded: Bool = false) {
        let reports = ConvertedReports(layout: layout)
        builder.converted = reports
        handoff = reports
        guard !clean else { return }
        let ahead = builder.changesAhead()
        mayHaveChanged = ahead
        if reportsAdded || Converter.reportFoldersChanged(layout) { ahead() }
    }
}
