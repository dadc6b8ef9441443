import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel
import FazhiSite
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct DataLossTests {
    /// convert (incremental and forced), build, a removed source, a locked file: content/reports is never
    /// written, renamed or deleted.
    @Test func convertAndBuildNeverTouchTheReports() throws {
        let p = HostileProject()
        defer { p.remove() }
        for name in (try FileManager.default.contentsOfDirectory(atPath: repoRoot + "/content/reports")) {
            p.write(R + name, [UInt8](FileManager.default.contents(atPath: repoRoot + "/content/reports/" + name)!))
        }
        p.write(R + "dup/copy.txt", [UInt8](FileManager.default.contents(atPath: repoRoot + "/content/reports/" + "湖北省天门市-2024-法治政府建设情况报告.txt")!))
        p.write(R + "empty.txt", [])
        p.write(R + "notes.docx", [0x50, 0x4B, 0x03, 0x04])
        p.write(R + "sub/inject.txt", utf8(injectionText))
        try FileManager.default.createSymbolicLink(atPath: p.reports + "/sub/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: p.reports + "/gone.txt", withDestinationPath: "/nonexistent")
        let before = snapshot(p.reports)
        #expect(before.count >= 11)

        let first = try p.convert()
        #expect(first.converted.count == 6, "\(first.line) \(first.failed)")
        #expect(snapshot(p.reports) == before)
        _ = try p.convert(force: true)
        #expect(snapshot(p.reports) == before)
        _ = try SiteBuilder(layout: p.layout).build()
        _ = try p.convert()
        _ = try SiteBuilder(layout: p.layout).build()
        #expect(snapshot(p.reports) == before, "convert or build changed content/reports")

        // A person locks a file; its source changes; convert keeps the person's file and still leaves the reports alone.
        let md = p.markdownFiles().first!
        let path = p.markdown + "/" + md
        let locked = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "locked: false", with: "locked: true")
        try locked.write(toFile: path, atomically: true, encoding: .utf8)
        let after = try p.convert(force: true)
        #expect(after.kept.contains(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == locked)
        #expect(snapshot(p.reports) == before)
    }

    /// A temporary file left by a killed convert is removed by the next run (when its process is gone).
    @Test func leftoversOfAKilledConvertAreCleared() throws {
        let p = HostileProject()
        defer { p.remove() }
        p.write(R + "a.txt", utf8(report()))
        _ = try p.convert()
        // pid 2^22 + 1 is above Linux's pid_max default and never alive.
        let stale = p.markdown + "/.429006-2024.md.tmp-4194305-12345"
        let live = p.markdown + "/.429006-2024.md.tmp-\(getpid())-1"
        p.write(M + ".429006-2024.md.tmp-4194305-12345", [1, 2, 3])
        p.write(M + ".429006-2024.md.tmp-\(getpid())-1", [1, 2, 3])
        _ = try p.convert()
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live), "a live process's temporary file was removed")
    }

    /// An output that cannot be written fails with an error naming it, and leaves nothing half built.
    @Test(arguments: ["/proc/fazhi-hostile-test", "FILE/public", "FILE/deeper/public"])
    func unwritableOutputFailsCleanly(_ where_: String) throws {
        let p = HostileProject()
        defer { p.remove() }
        p.write(R + "a.txt", utf8(report()))
        _ = try p.convert()
        p.write("FILE", utf8("a regular file"))
        let out = where_.replacingOccurrences(of: "FILE", with: p.root + "/FILE")
        let layout = ProjectLayout(content: p.content, templates: repoRoot + "/Templates", output: out)
        do {
            _ = try SiteBuilder(layout: layout).build()
            Issue.record("a build into \(out) succeeded")
        } catch {
            #expect(String(describing: error).count > 10)
        }
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: out + ".tmp-build"))
    }

    /// A build that fails (here: a broken template) leaves the previous site exactly as it was.
    @Test func aFailedBuildLeavesThePreviousSiteWhole() throws {
        let p = HostileProject()
        defer { p.remove() }
        p.write(R + "a.txt", utf8(report()))
        _ = try p.convert()
        _ = try SiteBuilder(layout: p.layout).build()
        let site = snapshot(p.output)
        let templates = p.root + "/templates"
        try FileManager.default.copyItem(atPath: repoRoot + "/Templates", toPath: templates)
        try "{{#unclosed}}".write(toFile: templates + "/report.mustache", atomically: true, encoding: .utf8)
        let broken = ProjectLayout(content: p.content, templates: templates, output: p.output)
        #expect(throws: (any Error).self) { _ = try SiteBuilder(layout: broken).build() }
        #expect(snapshot(p.output) == site)
        #expect(!FileManager.default.fileExists(atPath: p.output + ".tmp-build"))
    }

    /// The real binary: `fazhi build --output /proc/…` prints a clear error and exits 1.
    @Test func theCommandNamesAnUnwritableOutput() throws {
        // The binary built with this test bundle (its folder, same configuration), never a stale one elsewhere.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var found: String?
        while found == nil, dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("fazhi").path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue { found = candidate }
        }
        let bin = try #require(found, "fazhi is not built beside the tests")
        let p = HostileProject()
        defer { p.remove() }
        p.write(R + "a.txt", utf8(report()))
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: bin)
        proc.arguments = ["build", "--content", p.content, "--templates", repoRoot + "/Templates", "--output", "/proc/fazhi-hostile"]
        let err = Pipe()
        proc.standardError = err
        proc.standardOutput = FileHandle.nullDevice
        try proc.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        proc.waitUntilExit()
        #expect(proc.terminationStatus == 1)
        #expect(text.contains("/proc/fazhi-hostile") && text.contains("error"), "\(text)")
        print("fazhi build --output /proc/fazhi-hostile: exit \(proc.terminationStatus): \(text.split(separator: "\n").last ?? "")")
    }
}
