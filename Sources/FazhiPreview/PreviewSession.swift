#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Ties the watcher to rebuilds and rebuilds to open pages: a change starts a rebuild (one at a time; changes
/// that arrive during a rebuild start one more afterwards), and each result is sent to every open page.
public final class PreviewSession: @unchecked Sendable {
    public typealias Rebuild = @Sendable (_ changed: [String]) -> Result<String, RebuildFailure>

    public struct RebuildFailure: Error, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    private let hub: LiveReloadHub
    private let rebuild: Rebuild
    private let log: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "fazhi.rebuild")
    private let lock = NSLock()
    private var running = false
    private var pending: [String] = []
    private var watcher: FileWatcher?

    public init(hub: LiveReloadHub, rebuild: @escaping Rebuild, log: @escaping @Sendable (String) -> Void) {
        self.hub = hub; self.rebuild = rebuild; self.log = log
    }

    /// Starts watching `roots`, ignoring changes under `ignoring` (e.g. the Markdown that convert writes).
    public func watch(_ roots: [String], ignoring: [String]) {
        let w = FileWatcher(roots: roots, ignoring: ignoring) { [weak self] changed in self?.changed(changed) }
        watcher = w
        w.start()
    }

    public func stop() { watcher?.stop() }

    /// Called with the paths that changed; safe from any thread.
    public func changed(_ paths: [String]) {
        lock.lock()
        pending.append(contentsOf: paths)
        let start = !running
        running = true
        lock.unlock()
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            lock.lock()
            let batch = Array(Set(pending)).sorted()
            pending.removeAll()
            if batch.isEmpty { running = false; lock.unlock(); return }
            lock.unlock()
            log("change: " + batch.prefix(3).joined(separator: ", ") + (batch.count > 3 ? " (+\(batch.count - 3) more)" : ""))
            let event: PreviewEvent
            switch rebuild(batch) {
            case .success(let summary):
                log(summary)
                event = .reload
            case .failure(let failure):
                log("rebuild failed:\n" + failure.message)
                event = .buildFailed(failure.message)
            }
            let hub = self.hub
            let done = DispatchSemaphore(value: 0)
            Task { await hub.publish(event); done.signal() }
            done.wait()
        }
    }
}

public enum PortFinder {
    /// The first port from `start` (trying `attempts` ports) that `host` can bind, or nil.
    public static func firstFree(host: String, from start: Int, attempts: Int = 50) -> Int? {
        for port in start..<(start + attempts) where canBind(host: host, port: port) { return port }
        return nil
    }

    static func canBind(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return false }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        return bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
    }
}
