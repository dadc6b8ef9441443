#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import FazhiPreview
import FazhiTestSupport

final class HostileServer: @unchecked Sendable {
    let site: String
    let hub = LiveReloadHub()
    let server: PreviewServer
    var task: Task<Void, Error>?
    let port = Box()
    final class Box: @unchecked Sendable {
        private let lock = NSLock(); private var v = 0
        func set(_ x: Int) { lock.lock(); v = x; lock.unlock() }
        func get() -> Int { lock.lock(); defer { lock.unlock() }; return v }
    }

    init(basePath: String = "/") throws {
        site = NSTemporaryDirectory() + "fazhi-hostile-site-" + UUID().uuidString
        let fm = FileManager.default
        try fm.createDirectory(atPath: site + "/reports/a", withIntermediateDirectories: true)
        try "<!doctype html><html><body><h1>首页</h1></body></html>".write(toFile: site + "/index.html", atomically: true, encoding: .utf8)
        try "<!doctype html><html><body><p>358件</p></body></html>".write(toFile: site + "/reports/a/index.html", atomically: true, encoding: .utf8)
        try "<!doctype html><html><body><p>页面不存在</p></body></html>".write(toFile: site + "/404.html", atomically: true, encoding: .utf8)
        // A secret beside the site: no request may reach it.
        try "root:x:0:0 SECRET".write(toFile: site + "-secret.txt", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: site + "/etc", withDestinationPath: "/etc")
        server = PreviewServer(root: site, port: 0, basePath: basePath, hub: hub)
    }

    func start() async throws -> Int {
        let box = port
        task = Task { [server] in try await server.run(onRunning: { box.set($0) }) }
        for _ in 0..<300 where port.get() == 0 { try await Task.sleep(nanoseconds: 20_000_000) }
        return port.get()
    }

    func stop() async {
        await hub.close()
        task?.cancel()
        _ = await task?.result
        try? FileManager.default.removeItem(atPath: site)
        try? FileManager.default.removeItem(atPath: site + "-secret.txt")
    }
}

/// Request lines that try to leave the site, in every encoding found in path-traversal write-ups.
let traversalRequests: [String] = [
    "GET /%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd HTTP/1.1",     // overlong UTF-8 '.'
    "GET /%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd HTTP/1.1",
    "GET /%e0%80%ae%e0%80%ae/etc/passwd HTTP/1.1",
    "GET /.%2e/.%2e/etc/passwd HTTP/1.1",
    "GET /%2e./%2e./etc/passwd HTTP/1.1",
    "GET /%2E%2e/%2e%2E/etc/passwd HTTP/1.1",
    "GET /reports/a/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
    "GET /..%2F..%2F..%2Fetc%2Fpasswd HTTP/1.1",
    "GET /%2e%2e%5c%2e%2e%5cetc%5cpasswd HTTP/1.1",
    "GET /..%5c..%5c..%5cetc%5cpasswd HTTP/1.1",
    "GET /%252e%252e%252f%252e%252e%252fetc%252fpasswd HTTP/1.1",
    "GET /%25252e%25252e/etc/passwd HTTP/1.1",
    "GET /..%00/etc/passwd HTTP/1.1",
    "GET /index.html%00/../../etc/passwd HTTP/1.1",
    "GET http://x/../../etc/passwd HTTP/1.1",                // absolute-form target
    "GET http://127.0.0.1/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
    "GET ../../etc/passwd HTTP/1.1",                         // no leading slash
    "GET /..;/..;/etc/passwd HTTP/1.1",
    "GET /.../.../etc/passwd HTTP/1.1",
    "GET //etc/passwd HTTP/1.1",
    "GET ///..//..//etc/passwd HTTP/1.1",
    "GET /etc/passwd HTTP/1.1",                              // a symbolic link out of the site
    "GET /%2e%2e/" + "x HTTP/1.1",
    "GET /../" + "fazhi-secret HTTP/1.1",
    "GET /%u002e%u002e/%u002e%u002e/etc/passwd HTTP/1.1",
    "GET /%ZZ/%2 HTTP/1.1",
    "GET /reports/a/.. HTTP/1.1",
    "GET /reports/a/. HTTP/1.1",
    "HEAD /../../etc/passwd HTTP/1.1",
    "OPTIONS * HTTP/1.1",
    "GET /" + String(repeating: "../", count: 3000) + "etc/passwd HTTP/1.1",
]

@Suite(.serialized) struct PreviewHostileTests {
    @Test func bindsLoopbackByDefault() async throws {
        #expect(PreviewServer(root: "/tmp", hub: LiveReloadHub()).host == "127.0.0.1")
        let s = try HostileServer()
        let port = try await s.start()
        #expect(port > 0)
        // The listening socket, as the kernel sees it: 0100007F is 127.0.0.1.
        let tcp = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        let hexPort = String(format: "%04X", port)
        let listening = tcp.split(separator: "\n").filter { $0.contains(":\(hexPort) ") && $0.contains(" 0A ") }
        #expect(!listening.isEmpty && listening.allSatisfy { $0.contains("0100007F:\(hexPort)") }, "\(listening)")
        await s.stop()
    }

    @Test func refusesTraversalInEveryEncoding() async throws {
        let s = try HostileServer()
        let port = try await s.start()
        let secret = (s.site as NSString).lastPathComponent + "-secret.txt"
        for line in traversalRequests + ["GET /../\(secret) HTTP/1.1", "GET /%2e%2e/\(secret) HTTP/1.1", "GET /..%2f\(secret) HTTP/1.1"] {
            let r = rawHTTP(port: port, line, timeout: 5)
            let code = statusCode(r)
            #expect([400, 404, 405, 501].contains(code) || (code == 0 && r.isEmpty), "\(line.prefix(80)) → \(code)")
            #expect(!r.contains("root:") && !r.contains("SECRET"), "\(line.prefix(80)) leaked a file outside the site")
        }
        // And the server still serves.
        #expect(statusCode(rawHTTP(port: port, "GET /reports/a/ HTTP/1.1", timeout: 5)) == 200)
        await s.stop()
    }

    @Test func pathGuardRefusesDecodedForms() {
        for p in ["/..", "/a/../b", "/a/./b", "/a\\b", "/a\0b", "a/b", "/./"] { #expect(PathSafety.isHostile(p), "\(p)") }
        for p in ["/", "/reports/a/", "/a..b/", "/.../"] { #expect(!PathSafety.isHostile(p), "\(p)") }
    }
}
