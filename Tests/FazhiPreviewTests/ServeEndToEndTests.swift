#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import FazhiTestSupport

/// The package root, from this file's path (Tests/FazhiPreviewTests/…).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The `fazhi` binary built beside this test bundle (same configuration).
let fazhiBinary: String = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while dir.path != "/" {
        dir.deleteLastPathComponent()
        let candidate = dir.appendingPathComponent("fazhi").path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue { return candidate }
    }
    return "fazhi-not-built-beside-the-tests"
}()

/// Collects a process's output lines as they arrive.
final class OutputLog: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ data: Data) { lock.lock(); text += String(decoding: data, as: UTF8.self); lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

@Suite(.serialized) struct ServeEndToEndTests {
    @Test func servesRebuildsOnChangeAndSendsReload() async throws {
        let fm = FileManager.default
        let project = NSTemporaryDirectory() + "fazhi-serve-e2e-" + UUID().uuidString
        defer { try? fm.removeItem(atPath: project) }
        try fm.createDirectory(atPath: project + "/content/reports", withIntermediateDirectories: true)
        for f in ["catalog.yaml", "config.yaml"] { try fm.copyItem(atPath: packageRoot + "/content/" + f, toPath: project + "/content/" + f) }
        let seed = packageRoot + "/content/reports/湖北省天门市-2024-法治政府建设情况报告.txt"
        let report = project + "/content/reports/tianmen.txt"
        try fm.copyItem(atPath: seed, toPath: report)
        try fm.copyItem(atPath: packageRoot + "/content/reports/湖南省武冈市-2023-法治政府建设工作报告.txt", toPath: project + "/content/reports/wugang.txt")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: fazhiBinary)
        process.arguments = ["serve", "--content", project + "/content", "--templates", packageRoot + "/Templates",
                             "--output", project + "/public", "--port", "18313"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let log = OutputLog()
        out.fileHandleForReading.readabilityHandler = { log.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { log.append($0.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // "Serving … at http://127.0.0.1:PORT/"
        var port = 0
        for _ in 0..<600 where port == 0 {
            if let r = log.value.range(of: "http://127.0.0.1:") {
                port = Int(log.value[r.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        try #require(port >= 18313, "serve did not start: \(log.value)")
        #expect(!log.value.contains("0.0.0.0"))

        let home = await fetch(port: port, "/")
        #expect(statusCode(home) == 200)
        #expect(home.contains("天门市"))
        let page = await fetch(port: port, "/reports/429006-2024.html")
        #expect(statusCode(page) == 200 && page.contains("358件"))
        #expect(!FileManager.default.contents(atPath: project + "/public/index.html").map { String(decoding: $0, as: UTF8.self) }!.contains("fazhi-live-reload"))

        // A page listens; the report changes; the page hears "reload" and the new figure is served.
        async let events = fetch(port: port, "/__fazhi/events", until: "event: reload", timeout: 60)
        try await Task.sleep(nanoseconds: 500_000_000)
        var text = try String(contentsOfFile: report, encoding: .utf8)
        text = text.replacingOccurrences(of: "审结行政复议申请358件", with: "审结行政复议申请359件")
        try text.write(toFile: report, atomically: true, encoding: .utf8)
        let stream = await events
        #expect(stream.contains("event: reload"), "no reload event; server said: \(log.value)")
        let updated = await fetch(port: port, "/reports/429006-2024.html")
        #expect(updated.contains("359件"))
        #expect(!updated.contains("358件"))

        for target in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"] {
            let r = await fetch(port: port, target)
            #expect([400, 404].contains(statusCode(r)), "\(target)")
            #expect(!r.contains("root:"))
        }

        // Ctrl-C stops it cleanly.
        kill(process.processIdentifier, SIGINT)
        for _ in 0..<600 where process.isRunning { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(!process.isRunning, "serve did not stop on SIGINT")
        if !process.isRunning { #expect(process.terminationStatus == 0) }
    }
}
