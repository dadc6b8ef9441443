import Foundation

/// Pagefind in its service mode (`pagefind --service`, what its Node and Python libraries drive): requests and
/// replies are JSON objects, each base64-encoded and followed by a comma, on its standard input and output.
///
/// Why: a Pagefind process spends 0.13 s of CPU on the first Chinese text it reads (its segmenter's
/// dictionary), whatever the page; indexing the one page of an added report took 0.16 s as a command, of which
/// 0.01 s was the page. An incremental build starts the service and has it read a line of Chinese into a
/// throw-away index (`warmUp`) beside its other work: `fazhi build` as soon as convert sees a report that may have
/// changed (`SiteBuilder.searchServiceStarter`), a build started otherwise when it finds Markdown to parse. The
/// year's additions bundle is then made from the pages' index views in milliseconds (`makeBundle`). The bundle
/// holds the same entries as the command's (the options are the same: `SearchIndex.serviceConfig`); its files,
/// like the command's, are not byte-reproducible (Pagefind orders some filter values by hash).
final class PagefindService: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let config: [String: Any]
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var nextID = 1
    private var failed = false

    /// Starts `program --service`; nil when it cannot be started.
    init?(program: String, config: [String: Any]) {
        // A service that died must fail a write (EPIPE), not end this process: SIGPIPE is ignored (every write
        // of the build checks its result).
        signal(SIGPIPE, SIG_IGN)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = ["--service"]
        let stdin = Pipe(), stdout = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        process = p
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        self.config = config
    }

    /// Makes Pagefind load its Chinese segmenter, on an index that is then deleted. False when the service
    /// does not answer as expected (it is not used then).
    @discardableResult
    func warmUp() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let index = newIndex() else { return false }
        let added = request(["type": "AddFile", "index_id": index, "file_path": "warm-up/index.html",
                             "file_contents": "<html lang=\"zh\"><body><p>法治政府建设年度报告</p></body></html>"])
        _ = request(["type": "DeleteIndex", "index_id": index])
        return added?["type"] as? String == "IndexedFile"
    }

    /// Indexes `pages` (a path relative to the site, as Pagefind would find it under `--site`, and the bytes it
    /// would read) into a new bundle written to `folder`. False on any error (the caller runs the command then).
    func makeBundle(pages: [(path: String, contents: [UInt8])], folder: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let index = newIndex() else { return false }
        defer { _ = request(["type": "DeleteIndex", "index_id": index]) }
        for page in pages {
            let reply = request(["type": "AddFile", "index_id": index, "file_path": page.path,
                                 "file_contents": String(decoding: page.contents, as: UTF8.self)])
            guard reply?["type"] as? String == "IndexedFile" else { return false }
        }
        return request(["type": "WriteFiles", "index_id": index, "output_path": folder])?["type"] as? String == "WriteFiles"
    }

    /// Requests sent so far (the warm-up sends three).
    var requestsSent: Int { lock.lock(); defer { lock.unlock() }; return nextID - 1 }

    /// Whether the process has ended.
    var hasExited: Bool { !process.isRunning }

    /// Ends the service (its input closed, it exits). Without `waiting`, its exit is waited for on another thread:
    /// the build's last steps go on meanwhile (waiting took 8 ms at the end of an add, on one core).
    func close(waiting: Bool = true) {
        lock.lock()
        try? input.close()
        if failed { process.terminate() }
        lock.unlock()
        if waiting { process.waitUntilExit() } else { DispatchQueue.global().async { [process] in process.waitUntilExit() } }
    }

    /// What the service wrote next; nil when it wrote nothing for `timeout` seconds (a service that hangs must
    /// not hang the build: the command is run instead) or the pipe failed, empty at its end.
    private func readMore(timeout: Int32 = 30) -> [UInt8]? {
        var poller = pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&poller, 1, timeout * 1000)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            break
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(output.fileDescriptor, $0.baseAddress, $0.count) }
        return n < 0 ? nil : Array(chunk[0..<n])
    }

    private func newIndex() -> Int? {
        request(["type": "NewIndex", "config": config])?["index_id"] as? Int
    }

    /// Sends one request and waits for its reply's payload; nil on an error reply or a broken pipe.
    private func request(_ payload: [String: Any]) -> [String: Any]? {
        guard !failed else { return nil }
        let id = nextID
        nextID += 1
        guard let json = try? JSONSerialization.data(withJSONObject: ["message_id": id, "payload": payload]) else { return nil }
        var message = json.base64EncodedData()
        message.append(UInt8(ascii: ","))
        do { try input.write(contentsOf: message) } catch { failed = true; return nil }
        while true {
            guard let comma = received.firstIndex(of: UInt8(ascii: ",")) else {
                guard let more = readMore(), !more.isEmpty else {
                    failed = true
                    process.terminate()
                    return nil
                }
                received.append(contentsOf: more)
                continue
            }
            let encoded = Data(received[..<comma])
            received.removeSubrange(...comma)
            guard let decoded = Data(base64Encoded: encoded),
                  let reply = (try? JSONSerialization.jsonObject(with: decoded)) as? [String: Any] else { failed = true; return nil }
            // Replies carry the request's id; an error may carry none.
            let body = reply["payload"] as? [String: Any]
            if body?["type"] as? String == "Error" { return nil }
            if reply["message_id"] as? Int == id { return body }
        }
    }
}
