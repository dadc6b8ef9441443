import Foundation
import Testing
@testable import FazhiSite

/// Runs the built `fazhi` binary (built by `swift build --build-tests` with the rest) on the fixture.
@Suite(.serialized) struct CommandTests {
    /// The `fazhi` binary built with this test bundle (same folder, same configuration).
    static var binary: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("fazhi").path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Without the binary these tests would be skipped silently: make that a failure.
    @Test func theBinaryIsBuiltBesideTheTests() {
        #expect(Self.binary != nil, "fazhi was not found beside \(CommandLine.arguments[0]); build with --build-tests")
    }

    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary!)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: CommandTests.binary != nil)) func buildAndCheckExitStatus() throws {
        let site = try FixtureSite(); defer { site.remove() }
        let common = ["--content", site.content, "--templates", FixtureSite.templates, "--output", site.output]
        var r = try run(["build", "--no-convert", "--no-search"] + common)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("6 reports, 62 pages")) // with /search/, 17 indicator-province pages, 3 review years
        #expect(r.err.contains("[92/92] render"))
        #expect(r.out.contains("search is off (--no-search)")) // the index: SearchTests
        r = try run(["check"] + common)
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("check: 0 errors"))

        // A bad file: reported with file:line, the site is still built, the status is 1.
        try site.write("markdown/bad.md", "---\nid: \"bad\"\nyear: twenty\n---\n")
        r = try run(["build", "--no-convert", "--no-search"] + common)
        #expect(r.status == 1)
        #expect(r.err.contains(site.markdown + "/bad.md:3:"))
        #expect(site.exists("reports/429006-2024.html"))
        r = try run(["check"] + common)
        #expect(r.status == 1)
        #expect(r.out.contains(site.markdown + "/bad.md:3:"))

        // A broken link in the built site is an error of `check`.
        try FileManager.default.removeItem(atPath: site.markdown + "/bad.md")
        try FileManager.default.removeItem(atPath: site.output + "/years/2022/index.html")
        r = try run(["check"] + common)
        #expect(r.status == 1)
        #expect(r.out.contains("broken link: '/years/2022/'"))
    }
}
