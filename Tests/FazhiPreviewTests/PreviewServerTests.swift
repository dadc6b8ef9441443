#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import FazhiPreview
import FazhiTestSupport

/// A raw HTTP/1.1 request (see `rawHTTP`). Generous timeout: in a parallel test run, other suites' synchronous
/// work can hold the 2-thread cooperative pool the in-process server runs on for many seconds; a real hang
/// still fails, after the timeout.
func rawRequest(port: Int, _ target: String, method: String = "GET", until marker: String? = nil, timeout: Double = 60) -> String {
    rawHTTP(port: port, "\(method) \(target) HTTP/1.1", until: marker, timeout: timeout)
}

/// `rawRequest` on a thread of its own: a blocking call on Swift's cooperative pool (two threads on two cores)
/// could starve the in-process server it is talking to.
func fetch(port: Int, _ target: String, method: String = "GET", until marker: String? = nil, timeout: Double = 60) async -> String {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: rawRequest(port: port, target, method: method, until: marker, timeout: timeout)) }.start()
    }
}

/// A small site on disk, a server on a free port, and a way to stop it.
final class RunningServer: @unchecked Sendable {
    let site: URL
    let hub = LiveReloadHub()
    let server: PreviewServer
    var task: Task<Void, Error>?
    let portBox = PortBox()

    final class PortBox: @unchecked Sendable {
        private let lock = NSLock(); private var value = 0
        func set(_ v: Int) { lock.lock(); value = v; lock.unlock() }
        func get() -> Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    init(basePath: String = "/") throws {
        site = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-preview-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: site.appendingPathComponent("reports/a"), withIntermediateDirectories: true)
        try fm.createDirectory(at: site.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try "<!doctype html><html lang=\"zh-CN\"><body><h1>首页</h1></body></html>".write(to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "<!doctype html><html><body><p>天门市 358件</p></body></html>".write(to: site.appendingPathComponent("reports/a/index.html"), atomically: true, encoding: .utf8)
        try "<!doctype html><html><body><p>页面不存在</p></body></html>".write(to: site.appendingPathComponent("404.html"), atomically: true, encoding: .utf8)
        try "body{color:#111}".write(to: site.appendingPathComponent("assets/style.css"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: site.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        server = PreviewServer(root: site.path, host: "127.0.0.1", port: 0, basePath: basePath, hub: hub)
    }

    func start() async throws -> Int {
        let box = portBox
        task = Task { [server] in try await server.run(onRunning: { box.set($0) }) }
        for _ in 0..<3000 where portBox.get() == 0 { try await Task.sleep(nanoseconds: 20_000_000) }
        let port = portBox.get()
        #expect(port > 0)
        return port
    }

    func stop() async {
        await hub.close()
        task?.cancel()
        _ = await task?.result
        try? FileManager.default.removeItem(at: site)
    }
}

@Suite(.serialized) struct PreviewServerTests {
    @Test func servesPagesWithReloadScriptAndAssetsAsIs() async throws {
        let s = try RunningServer()
        let port = try await s.start()
        let home = await fetch(port: port, "/")
        #expect(statusCode(home) == 200)
        #expect(home.lowercased().contains("content-type: text/html"))
        #expect(home.contains("首页"))
        #expect(home.contains("data-fazhi-live-reload"))
        #expect(home.contains("new EventSource(\"/__fazhi/events\")"))
        // The script is served, never written into the site.
        let onDisk = try String(contentsOf: s.site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!onDisk.contains("fazhi-live-reload"))

        let report = await fetch(port: port, "/reports/a/")
        #expect(statusCode(report) == 200 && report.contains("358件"))
        let redirect = await fetch(port: port, "/reports/a")
        #expect([301, 308].contains(statusCode(redirect)))
        #expect(redirect.lowercased().contains("location: /reports/a/"))

        let css = await fetch(port: port, "/assets/style.css")
        #expect(statusCode(css) == 200 && css.lowercased().contains("content-type: text/css"))
        #expect(!css.contains("fazhi-live-reload"))

        let missing = await fetch(port: port, "/no/such/page/")
        #expect(statusCode(missing) == 404 && missing.contains("页面不存在"))
        await s.stop()
    }

    @Test(arguments: [
        "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/..%2f..%2fetc%2fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd", "/..\\..\\etc\\passwd", "/%5c..%5c..%5cetc%5cpasswd", "/reports/%00/../../etc/passwd",
        "/index.html%00.css", "/escape/passwd", "/./../etc/passwd", "//etc/passwd",
    ])
    func refusesEveryPathOutsideTheSite(_ target: String) async throws {
        let s = try RunningServer()
        let port = try await s.start()
        let response = await fetch(port: port, target)
        let code = statusCode(response)
        #expect(code == 400 || code == 404, "\(target) → \(code)")
        #expect(!response.contains("root:"), "\(target) leaked /etc/passwd")
        await s.stop()
    }

    @Test func sendsReloadAndBuildErrorsToOpenPages() async throws {
        let s = try RunningServer()
        let port = try await s.start()
        let hub = s.hub
        let session = PreviewSession(hub: hub, rebuild: { changed in
            changed.contains { $0.hasSuffix("bad.txt") } ? .failure(.init("content/markdown/x.md:3: error: bad")) : .success("rebuilt")
        }, log: { _ in })

        async let events = fetch(port: port, "/__fazhi/events", until: "event: reload", timeout: 60)
        for _ in 0..<1500 where await hub.subscriberCount == 0 { try await Task.sleep(nanoseconds: 20_000_000) }
        session.changed(["/tmp/content/reports/good.txt"])
        let stream = await events
        #expect(stream.contains("text/event-stream"))
        #expect(stream.contains("event: reload"))

        // A failed rebuild is shown on pages opened afterwards, until the next good build clears it.
        session.changed(["/tmp/content/reports/bad.txt"])
        for _ in 0..<1500 where await hub.currentError == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        let page = await fetch(port: port, "/")
        #expect(page.contains("x.md:3: error: bad"))
        session.changed(["/tmp/content/reports/good.txt"])
        for _ in 0..<1500 where await hub.currentError != nil { try await Task.sleep(nanoseconds: 20_000_000) }
        let cleared = await fetch(port: port, "/")
        #expect(!cleared.contains("x.md:3: error: bad"))
        await s.stop()
    }

    @Test func servesUnderASubpath() async throws {
        let s = try RunningServer(basePath: "/fazhi/")
        let port = try await s.start()
        let page = await fetch(port: port, "/fazhi/reports/a/")
        #expect(statusCode(page) == 200 && page.contains("358件"))
        #expect(page.contains("\"/fazhi/__fazhi/events\""))
        #expect(statusCode(await fetch(port: port, "/fazhi/assets/style.css")) == 200)
        #expect(statusCode(await fetch(port: port, "/reports/a/")) == 404)
        await s.stop()
    }

    @Test func watcherSeesEditsAndNewFoldersButNotIgnoredOnes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("markdown"), withIntermediateDirectories: true)
        final class Seen: @unchecked Sendable { let lock = NSLock(); var paths: [String] = []
            func add(_ p: [String]) { lock.lock(); paths += p; lock.unlock() }
            func all() -> [String] { lock.lock(); defer { lock.unlock() }; return paths } }
        let seen = Seen()
        let w = FileWatcher(roots: [dir.path], ignoring: [dir.appendingPathComponent("markdown").path], debounce: 0.05) { seen.add($0) }
        w.start()
        try await Task.sleep(nanoseconds: 200_000_000)
        try "x".write(to: dir.appendingPathComponent("markdown/ignored.md"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("reports/湖南省"), withIntermediateDirectories: true)
        try await Task.sleep(nanoseconds: 200_000_000)
        try "报告".write(to: dir.appendingPathComponent("reports/湖南省/2024.txt"), atomically: false, encoding: .utf8)
        for _ in 0..<1500 where !seen.all().contains(where: { $0.hasSuffix("2024.txt") }) { try await Task.sleep(nanoseconds: 20_000_000) }
        w.stop()
        #expect(seen.all().contains { $0.hasSuffix("reports/湖南省/2024.txt") })
        #expect(!seen.all().contains { $0.contains("ignored.md") })
        try? FileManager.default.removeItem(at: dir)
    }
}
