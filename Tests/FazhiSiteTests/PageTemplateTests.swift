import Foundation
import Testing
import FazhiModel
@testable import FazhiSite

/// Fazhi's Mustache (PageTemplate): the parts of the Mustache spec the site's templates rely on, and the
/// errors for what it does not support.
struct PageTemplateTests {
    func render(_ source: String, _ context: [String: Any], partials: [String: String] = [:]) throws -> String {
        var templates: [String: PageTemplate] = [:]
        for (name, text) in partials { templates[name] = try PageTemplate(text) }
        return String(decoding: TemplateRenderer(templates: templates).render(try PageTemplate(source), context), as: UTF8.self)
    }

    @Test func htmlBytesAreWrittenAsTheyAreOnlyInTripleBraces() throws {
        let made = HTMLBytes(Array("<b>审结&amp;</b>".utf8))
        #expect(try render("{{{x}}}|{{&x}}|{{x}}", ["x": made]) == "<b>审结&amp;</b>|<b>审结&amp;</b>|&lt;b&gt;审结&amp;amp;&lt;/b&gt;")
    }

    func syntaxError(_ source: String) -> PageTemplate.SyntaxError? {
        do { _ = try PageTemplate(source); return nil } catch let e as PageTemplate.SyntaxError { return e } catch { return nil }
    }

    @Test func valuesAreEscapedUnlessTripleBraced() throws {
        let ctx: [String: Any] = ["v": "<a href=\"x\">Tom & 'Jerry'</a>\u{1}"]
        #expect(try render("{{v}}", ctx) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(try render("{{{v}}}|{{& v }}", ctx) == "<a href=\"x\">Tom & 'Jerry'</a>\u{1}|<a href=\"x\">Tom & 'Jerry'</a>\u{1}")
        #expect(try render("{{n}} {{b}} {{f}} {{d}} [{{missing}}]", ["n": 358, "b": true, "f": false, "d": 96.5]) == "358 true false 96.5 []")
    }

    @Test func sectionsRepeatForListsAndSkipFalseEmptyAndMissing() throws {
        let ctx: [String: Any] = ["items": [["name": "甲"], ["name": "乙"]] as [[String: Any]], "empty": [] as [Any],
                                  "off": false, "on": true, "tags": ["a", "b"], "title": "T"]
        #expect(try render("{{#items}}<{{name}}>{{/items}}", ctx) == "<甲><乙>")
        #expect(try render("{{#empty}}x{{/empty}}{{#off}}x{{/off}}{{#nothing}}x{{/nothing}}{{#on}}{{title}}{{/on}}", ctx) == "T")
        #expect(try render("{{^empty}}1{{/empty}}{{^off}}2{{/off}}{{^nothing}}3{{/nothing}}{{^on}}4{{/on}}{{^items}}5{{/items}}", ctx) == "123")
        #expect(try render("{{#tags}}[{{.}}]{{/tags}}", ctx) == "[a][b]")
    }

    @Test func aValueSectionIsTheInnermostContextAndNamesFallBackOutwards() throws {
        let ctx: [String: Any] = ["year": "2024", "href": "/y/", "loc": ["name": "天门市", "code": "429006"] as [String: Any]]
        // Inside {{#year}} the string is the context; `year` and `href` come from the page.
        #expect(try render("{{#year}}<a href=\"{{href}}\">{{year}}年</a>{{/year}}", ctx) == "<a href=\"/y/\">2024年</a>")
        #expect(try render("{{#loc}}{{name}} {{code}} {{year}}{{/loc}} {{loc.name}} {{loc.missing}}", ctx) == "天门市 429006 2024 天门市 ")
        // `.name` looks only in the innermost context.
        #expect(try render("{{#loc}}[{{.year}}]{{/loc}}", ctx) == "[]")
    }

    @Test func standaloneTagsTakeTheirLine() throws {
        let source = "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n  {{! a comment }}\n</ul>\n"
        #expect(try render(source, ["items": ["a", "b"]]) == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n")
        // Two tags on one line: neither stands alone.
        #expect(try render("a\n  {{#on}}{{/on}}\nb", ["on": true]) == "a\n  \nb")
        // CRLF line ends are lines too.
        #expect(try render("a\r\n{{#on}}\r\nb\r\n{{/on}}\r\n", ["on": true]) == "a\r\nb\r\n")
    }

    @Test func aStandalonePartialIsIndentedLikeItsTag() throws {
        let partials = ["item": "<li>\n{{name}}\n</li>\n"]
        let out = try render("<ul>\n    {{>item}}\n</ul>\n", ["name": "x"], partials: partials)
        #expect(out == "<ul>\n    <li>\n    x\n    </li>\n</ul>\n")
        // Inline, a partial is not indented.
        #expect(try render("[{{>item}}]", ["name": "x"], partials: partials) == "[<li>\nx\n</li>\n]")
        // The value of a variable is not indented (the Mustache spec's rule).
        #expect(try render("  {{>raw}}\n", ["v": "1\n2"], partials: ["raw": "<{{{v}}}>\n"]) == "  <1\n2>\n")
    }

    @Test func errorsSayWhereAndWhat() throws {
        let unclosed = try #require(syntaxError("line one\n  {{#items}}\nx\n"))
        #expect(unclosed.line == 2 && unclosed.column == 3 && unclosed.message.contains("{{#items}} is not closed"))
        let mismatched = try #require(syntaxError("{{#a}}\n{{/b}}"))
        #expect(mismatched.line == 2 && mismatched.message.contains("does not close {{#a}}"))
        #expect(syntaxError("{{/a}}")?.message.contains("not open") == true)
        #expect(syntaxError("x {{=<% %>=}}")?.message.contains("set-delimiter") == true)
        #expect(syntaxError("{{upper(name)}}")?.message.contains("transforms") == true)
        #expect(syntaxError("{{name}")?.message.contains("not closed") == true)
        #expect(syntaxError("{{{name}}")?.message.contains("not closed with }}}") == true)
    }

    @Test func aMissingPartialIsAnErrorWithTheFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "fazhi-templates-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: FixtureSite.templates, toPath: dir)
        try "<p>\n{{>no-such-partial}}\n".write(toFile: dir + "/home.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try SiteTemplates(directory: dir)
            Issue.record("a missing partial was accepted")
        } catch let d as Diagnostic {
            #expect(d.file.hasSuffix("/home.mustache") && d.line == 2 && d.message.contains("no-such-partial"))
        }
        // Partials that include each other would never finish.
        try "{{>footer}}".write(toFile: dir + "/home.mustache", atomically: true, encoding: .utf8)
        try "<footer>{{>loop}}</footer>".write(toFile: dir + "/partials/footer.mustache", atomically: true, encoding: .utf8)
        try "{{#x}}{{>footer}}{{/x}}".write(toFile: dir + "/partials/loop.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try SiteTemplates(directory: dir)
            Issue.record("a circle of partials was accepted")
        } catch let d as Diagnostic {
            #expect(d.message.contains("circle") && d.message.contains("footer → loop → footer"), "\(d.message)")
        }
    }
}
