import FazhiModel
import Foundation

/// The reports convert wrote in this process, as the build would read them back: convert hands each one over
/// (`ConvertHandoff`) as it analyses and writes it, and the build takes the entry from here instead of reading,
/// hashing and parsing the Markdown file again. At 20,000 reports (half a gigabyte of Markdown) the build's parse
/// phase took 2.1 s of a cold build, half of its CPU reading and parsing the files; the page fragments it also
/// made are now made here, on convert's threads.
///
/// The entry is made from the analysed document itself; what the build makes of the file's bytes is the same
/// (checked for every hostile fixture: `FixtureTests`, and a site built both ways). A report the build would find a
/// problem in (an indicator not in the catalog, a sentence anchor not in the body, an id that is not a URL
/// path) is read from its bytes instead, so that its messages carry the file's lines. The build uses a handed
/// entry only while the file still has the size and time it was written with, and only with the catalog it
/// was checked against.
public final class ConvertedReports: ConvertHandoff, @unchecked Sendable {
    struct Item: Sendable {
        var size: Int64
        var mtime: Int64
        /// `ContentHash` of the bytes (hex), as the build's input stamps have it.
        var hash: String
        var read: Result<(ReportEntry, [Diagnostic]), Diagnostic>
        /// The read as the build cache stores it (made here, on convert's threads).
        var encoded: ArraySlice<UInt8>
    }

    /// What `analysed` keeps of a report until its file is written.
    struct Analysed: Sendable {
        var meta: ReportFrontMatter
        var checked: ContentLoader.Checked
        var fragment: FragmentRef?
    }

    let layout: ProjectLayout
    private let lock = NSLock()
    private var items: [String: Item] = [:]
    private var catalogState: (catalog: Catalog, hash: String)??
    private var scratch: ScratchFile??

    public init(layout: ProjectLayout) { self.layout = layout }

    /// The catalog the entries are checked against, read once; nil when it cannot be read (nothing is handed
    /// over then, and the build reads every file).
    private func catalog() -> (catalog: Catalog, hash: String)? {
        lock.lock(); defer { lock.unlock() }
        if let state = catalogState { return state }
        // Parsed from the bytes it is known by, as `ContentLoader.catalog` parses the file (none is an empty one).
        let state: (catalog: Catalog, hash: String)?
        if let bytes = FileManager.default.contents(atPath: layout.catalog) {
            state = (try? ContentLoader.catalog(bytes, file: layout.catalog)).map { ($0, ContentHash.hex([UInt8](bytes))) }
        } else {
            state = (Catalog(themes: [], indicators: []), "missing")
        }
        catalogState = .some(state)
        return state
    }

    /// The scratch file the fragments go to (made at the first, in the Markdown folder; unlinked at once).
    private func fragments() -> ScratchFile? {
        lock.lock(); defer { lock.unlock() }
        if let made = scratch { return made }
        let made = ScratchFile(directory: layout.markdown)
        scratch = .some(made)
        return made
    }

    public func analysed(_ document: ReportDocument) -> (any Sendable)? {
        guard let catalog = catalog()?.catalog else { return nil }
        let checked = ContentLoader.Checked(document, catalog: catalog)
        guard checked.issues.isEmpty else { return nil }
        let fragment = fragments().flatMap { ReportFragment.store(document, in: $0) }
        var meta = document.frontMatter
        meta.facts = [] // most of a report's front matter, and the entry drops them
        return Analysed(meta: meta, checked: checked, fragment: fragment)
    }

    public func written(path: String, id: String, bytes: [UInt8], size: Int64, mtime: Int64, kept: (any Sendable)?) {
        guard size == Int64(bytes.count), let name = path.split(separator: "/").last else { return }
        let prefix = layout.markdown.hasSuffix("/") ? layout.markdown : layout.markdown + "/"
        let file = prefix + name
        guard let catalog = catalog()?.catalog else { return }
        let read: Result<(ReportEntry, [Diagnostic]), Diagnostic>
        if let analysed = kept as? Analysed, ContentLoader.isValidReportID(id) {
            var meta = analysed.meta
            meta.id = id
            read = .success((analysed.checked.entry(file: file, meta: meta, fragment: analysed.fragment), []))
        } else {
            read = ContentLoader.read(file: file, bytes: bytes, catalog: catalog) { [weak self] doc in
                self?.fragments().flatMap { ReportFragment.store(doc, in: $0) }
            }
        }
        let item = Item(size: size, mtime: mtime, hash: ContentHash.hex(bytes), read: read, encoded: BuildCache.encodedRead(file, .init(read)))
        lock.lock(); items[file] = item; lock.unlock()
    }

    /// The catalog the entries were checked against, when one was read and its bytes' hash is `hash`.
    func catalog(hash: String?) -> Catalog? {
        lock.lock(); defer { lock.unlock() }
        guard let state = catalogState ?? nil, state.hash == hash else { return nil }
        return state.catalog
    }

    /// The stamp of `file` as written, when it was and still has `size` and `mtime`.
    func stamp(_ file: String, size: Int64, mtime: Int64) -> String? {
        lock.lock(); defer { lock.unlock() }
        guard let item = items[file], item.size == size, item.mtime == mtime else { return nil }
        return item.hash
    }

    /// The entry of `file`, when the file has the bytes handed over (`hash`) and `catalogHash` is the hash of the
    /// catalog's bytes the entry was checked against.
    func read(_ file: String, hash: String, catalogHash: String?) -> (read: Result<(ReportEntry, [Diagnostic]), Diagnostic>, encoded: ArraySlice<UInt8>)? {
        guard let state = catalog(), state.hash == catalogHash else { return nil }
        lock.lock(); defer { lock.unlock() }
        guard let item = items[file], item.hash == hash else { return nil }
        return (item.read, item.encoded)
    }
}
