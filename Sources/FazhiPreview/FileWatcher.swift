#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Watches folders (recursively) and calls `onChange` once a burst of changes has been quiet for `debounce`.
/// Linux: inotify. Elsewhere: polls modification times once per second.
public final class FileWatcher: @unchecked Sendable {
    public let roots: [String]
    /// Paths (prefixes) whose changes are ignored, e.g. the Markdown folder convert writes into.
    public let ignoring: [String]
    public let debounce: TimeInterval
    private let onChange: @Sendable ([String]) -> Void
    private let lock = NSLock()
    private var stopped = false
    private var thread: Thread?

    public init(roots: [String], ignoring: [String] = [], debounce: TimeInterval = 0.15,
                onChange: @escaping @Sendable ([String]) -> Void) {
        self.roots = roots.map(FileWatcher.absolute)
        self.ignoring = ignoring.map(FileWatcher.absolute)
        self.debounce = debounce
        self.onChange = onChange
    }

    public func start() {
        let t = Thread { [self] in
            #if os(Linux)
            if !self.runInotify() { self.runPolling() }
            #else
            self.runPolling()
            #endif
        }
        t.name = "fazhi-watcher"
        thread = t
        t.start()
    }

    public func stop() {
        lock.lock(); stopped = true; lock.unlock()
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    func isIgnored(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        if name.hasPrefix(".") || name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasPrefix("#") { return true }
        return ignoring.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.path.hasSuffix("/") && url.path.count > 1 ? String(url.path.dropLast()) : url.path
    }

    #if os(Linux)
    /// Returns false when inotify is not available, so the caller can poll instead.
    private func runInotify() -> Bool {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var watches: [Int32: String] = [:]
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                          | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)
        func addTree(_ dir: String) {
            guard !isIgnored(dir) else { return }
            let wd = inotify_add_watch(fd, dir, mask)
            if wd >= 0 { watches[wd] = dir }
            guard let items = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            for item in items.sorted() {
                let child = dir + "/" + item
                var isDir: ObjCBool = false
                // Do not follow symbolic links: a link loop must not hang the watcher.
                if let attrs = try? FileManager.default.attributesOfItem(atPath: child),
                   attrs[.type] as? FileAttributeType == .typeDirectory,
                   FileManager.default.fileExists(atPath: child, isDirectory: &isDir), isDir.boolValue {
                    addTree(child)
                }
            }
        }
        for root in roots { addTree(root) }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [String] = []
        var lastEvent = Date.distantPast
        while !isStopped {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 50)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                var offset = 0
                while n > 0, offset + MemoryLayout<inotify_event>.size <= n {
                    let (wd, evMask, nameLen) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                        let ev = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        return (ev.wd, ev.mask, Int(ev.len))
                    }
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    var name = ""
                    if nameLen > 0 {
                        let bytes = buffer[nameStart..<(nameStart + nameLen)].prefix { $0 != 0 }
                        name = String(decoding: bytes, as: UTF8.self)
                    }
                    offset = nameStart + nameLen
                    guard let dir = watches[wd] else { continue }
                    let path = name.isEmpty ? dir : dir + "/" + name
                    if evMask & UInt32(IN_IGNORED) != 0 { watches[wd] = nil; continue }
                    if isIgnored(path) { continue }
                    if evMask & UInt32(IN_ISDIR) != 0, evMask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(path) }
                    pending.append(path)
                    lastEvent = Date()
                }
            }
            if !pending.isEmpty, Date().timeIntervalSince(lastEvent) >= debounce {
                let batch = Array(Set(pending)).sorted()
                pending.removeAll()
                onChange(batch)
            }
        }
        return true
    }
    #endif

    private func runPolling() {
        func snapshot() -> [String: Date] {
            var out: [String: Date] = [:]
            for root in roots {
                guard let e = FileManager.default.enumerator(atPath: root) else { continue }
                while let rel = e.nextObject() as? String {
                    let path = root + "/" + rel
                    if isIgnored(path) { continue }
                    if let m = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date { out[path] = m }
                }
            }
            return out
        }
        var last = snapshot()
        while !isStopped {
            Thread.sleep(forTimeInterval: 1)
            let now = snapshot()
            if now != last {
                let changed = Set(now.keys).union(last.keys).filter { now[$0] != last[$0] }
                last = now
                onChange(changed.sorted())
            }
        }
    }
}
