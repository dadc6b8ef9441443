import Foundation
import FazhiModel
import FazhiIndicators

/// What `fazhi add` did with one file.
public struct IntakeOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Copied to this path (under `<content>/reports/`).
        case added(String)
        /// Its bytes are already in the corpus, at this path.
        case duplicate(of: String)
        /// Not read or not a report.
        case refused(Diagnostic)
    }
    /// The file as given.
    public var file: String
    public var result: Result
}

/// Brings new report files into the corpus under a canonical name:
/// `<content>/reports/<province>/<adcode>-<locality>-<year>[-部门][-2].<ext>`, or
/// `<content>/reports/未归类/<name>` when the locality is not known. Never overwrites or deletes anything.
public struct ReportIntake: Sendable {
    public let layout: ProjectLayout
    let analyzer: ReportAnalyzer

    public init(layout: ProjectLayout) {
        self.layout = layout
        // Naming needs the metadata only: no catalog, no facts.
        self.analyzer = ReportAnalyzer(gazetteer: Gazetteer.shared, extractor: FactExtractor(catalog: Catalog(themes: [], indicators: [])))
    }

    /// Copies each file in, in the order given; a file whose bytes are already in the corpus (or earlier in
    /// `files`) is not copied.
    public func add(_ files: [String]) -> [IntakeOutcome] {
        let fm = FileManager.default
        var known: [String: String] = [:]  // sha256 → path in the corpus
        // Regular files only: a pipe or device in the corpus must not block the intake.
        for entry in Converter(layout: layout).listFiles(layout.reports) {
            guard case .file = entry.kind else { continue }
            let path = layout.reports + "/" + entry.relative
            if let data = fm.contents(atPath: path) {
                let sha = SHA256.hex(Array(data))
                if known[sha] == nil { known[sha] = path }
            }
        }
        var outcomes: [IntakeOutcome] = []
        for file in files {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue, let data = fm.contents(atPath: file) else {
                outcomes.append(IntakeOutcome(file: file, result: .refused(Diagnostic(file: file, "cannot read the file (missing, a folder, or unreadable)"))))
                continue
            }
            let ext = (file as NSString).pathExtension.lowercased()
            guard Converter.extensions.contains(ext) else {
                outcomes.append(IntakeOutcome(file: file, result: .refused(Diagnostic(file: file, "not a report file: fazhi reads .txt, .html, .htm and .md"))))
                continue
            }
            let bytes = [UInt8](data)
            let sha = SHA256.hex(bytes)
            if let existing = known[sha] {
                outcomes.append(IntakeOutcome(file: file, result: .duplicate(of: existing)))
                continue
            }
            let name = (file as NSString).lastPathComponent
            let report: AnalyzedReport
            do {
                report = try analyzer.analyze(bytes: bytes, source: file, relativePath: name, sha256: sha, render: false)
            } catch {
                outcomes.append(IntakeOutcome(file: file, result: .refused(error)))
                continue
            }
            let destination = uniquePath(canonicalPath(report.frontMatter, original: name, ext: ext))
            do {
                try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                // Write beside, then rename: a reader never sees half a file.
                let temp = destination + ".fazhi-add-tmp"
                guard fm.createFile(atPath: temp, contents: data) else {
                    throw Diagnostic(file: destination, "cannot write the file")
                }
                try fm.moveItem(atPath: temp, toPath: destination)
            } catch let d as Diagnostic {
                outcomes.append(IntakeOutcome(file: file, result: .refused(d)))
                continue
            } catch {
                outcomes.append(IntakeOutcome(file: file, result: .refused(Diagnostic(file: destination, "cannot write the file: \(error.localizedDescription)"))))
                continue
            }
            known[sha] = destination
            outcomes.append(IntakeOutcome(file: file, result: .added(destination)))
        }
        return outcomes
    }

    /// The name a report gets in the corpus, from its metadata. Only characters safe in every file system.
    func canonicalPath(_ fm: ReportFrontMatter, original: String, ext: String) -> String {
        guard !fm.adcode.isEmpty, !fm.locality.isEmpty else {
            return layout.reports + "/未归类/" + Self.safeName(original)
        }
        var name = "\(fm.adcode)-\(fm.locality)-\(fm.year.map(String.init) ?? "未知年份")"
        if fm.kind == .department { name += "-部门" }
        let folder = fm.province.isEmpty ? "未归类" : fm.province
        return layout.reports + "/" + Self.safeName(folder) + "/" + Self.safeName(name) + "." + ext
    }

    /// `name` without path separators, control characters or a leading dot or dash.
    static func safeName(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { s -> Character in
            if s == "/" || s == "\\" || s.value < 0x20 || s.value == 0x7F || s == ":" { return "_" }
            return Character(s)
        })
        while out.hasPrefix(".") || out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "report" : out
    }

    /// `path`, or `path` with `-2`, `-3`… before the extension when it is taken.
    func uniquePath(_ path: String) -> String {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { return path }
        let ext = (path as NSString).pathExtension
        let stem = (path as NSString).deletingPathExtension
        var n = 2
        while fm.fileExists(atPath: "\(stem)-\(n).\(ext)") { n += 1 }
        return "\(stem)-\(n).\(ext)"
    }
}
