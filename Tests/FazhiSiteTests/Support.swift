import Foundation
import FazhiModel
@testable import FazhiSite

/// A copy of the fixture site in a fresh temporary folder, so tests can add and break files.
struct FixtureSite {
    let root: String
    var content: String { root + "/content" }
    var output: String { root + "/public" }
    var markdown: String { content + "/markdown" }

    static var repoRoot: String {
        // Tests/FazhiSiteTests/Support.swift → repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
    static var fixture: String { repoRoot + "/Tests/FazhiSiteTests/Fixtures/site/content" }
    static var templates: String { repoRoot + "/Templates" }

    init() throws {
        root = NSTemporaryDirectory() + "fazhi-site-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: content)
    }

    func layout(output: String? = nil) -> ProjectLayout {
        ProjectLayout(content: content, templates: Self.templates, output: output ?? self.output)
    }

    /// Builds the site; without the search index unless `search` (so tests do not depend on Pagefind being installed).
    @discardableResult
    func build(baseURL: String? = nil, output: String? = nil, search: SearchOptions = SearchOptions(enabled: false)) throws -> BuildSummary {
        var builder = SiteBuilder(layout: layout(output: output), baseURL: baseURL)
        builder.search = search
        return try builder.build()
    }

    func read(_ rel: String, in out: String? = nil) -> String {
        (try? String(contentsOfFile: (out ?? output) + "/" + rel, encoding: .utf8)) ?? ""
    }

    func exists(_ rel: String, in out: String? = nil) -> Bool {
        FileManager.default.fileExists(atPath: (out ?? output) + "/" + rel)
    }

    func write(_ rel: String, _ text: String) throws {
        let path = content + "/" + rel
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func files(in out: String? = nil) -> [String] { OutputTree.files(under: out ?? output) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The anchor id convert gives a sentence.
func anchor(for sentence: String) -> String {
    var taken = Set<String>()
    return Anchors.sentenceID(for: sentence, taken: &taken)
}

extension String {
    func count(of needle: String) -> Int { components(separatedBy: needle).count - 1 }
}
