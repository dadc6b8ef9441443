import FazhiModel
import Yams

/// Site settings from `<content>/config.yaml`: title, base_url, language, description.
public struct SiteConfig: Sendable, Equatable {
    public var title: String = "法治政府建设年度报告库"
    public var description: String = ""
    public var language: String = "zh-CN"
    /// As configured: a path (`/fazhi/`) or an absolute URL (`https://example.org/fazhi/`).
    public var baseURL: String = "/"

    public init() {}

    /// Reads a config file's text. Unknown fields are ignored; a field of the wrong type is an error with its line.
    public static func load(yaml: String, file: String) throws -> SiteConfig {
        var c = SiteConfig()
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            throw Diagnostic(file: file, line: line(of: e), "config is not valid YAML: \(e)")
        }
        guard let root else { return c }
        guard case .mapping(let map) = root else {
            throw Diagnostic(file: file, line: 1, "config must be a mapping of field: value")
        }
        for (k, v) in map {
            guard let key = k.string else { continue }
            guard case .scalar(let s) = v else {
                if ["title", "description", "language", "base_url"].contains(key) {
                    throw Diagnostic(file: file, line: (v.mark?.line ?? 0), "'\(key)' must be text")
                }
                continue
            }
            switch key {
            case "title": c.title = s.string
            case "description": c.description = s.string
            case "language": c.language = s.string
            case "base_url": c.baseURL = s.string
            default: continue
            }
        }
        return c
    }

    private static func line(of e: YamlError) -> Int? {
        switch e {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        default: return nil
        }
    }
}

/// The base URL split into what links need: the origin (`https://example.org`, or empty) and the path (`/fazhi/`).
public struct BaseURL: Sendable, Equatable {
    /// Scheme and host, without a trailing slash; empty when the base is only a path.
    public var origin: String
    /// Starts and ends with `/`.
    public var path: String

    public init(_ raw: String) {
        var s = raw.trimmingCharacters()
        var origin = ""
        if let r = s.range(of: "://") {
            let afterScheme = s[r.upperBound...]
            if let slash = afterScheme.firstIndex(of: "/") {
                origin = String(s[..<slash]); s = String(s[slash...])
            } else {
                origin = s; s = "/"
            }
        }
        if !s.hasPrefix("/") { s = "/" + s }
        if !s.hasSuffix("/") { s += "/" }
        while s.contains("//") { s = s.replacingOccurrences(of: "//", with: "/") }
        self.origin = origin
        self.path = s
    }

    /// A site-internal link: `url("reports/x/")` → `/fazhi/reports/x/`.
    public func url(_ relative: String) -> String { path + relative }

    /// An absolute URL when the origin is known, else the absolute path.
    public func absolute(_ relative: String) -> String { origin + path + relative }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
