import Foundation
import Hummingbird
import Logging

/// Serves a built site over HTTP for local preview: files from the output folder, `index.html` for folders,
/// the site's `404.html`, live reload through server-sent events. The reload script is added to HTML
/// responses only; nothing is written into the site.
public struct PreviewServer: Sendable {
    /// The built site (`public/`).
    public let root: String
    public let host: String
    public let port: Int
    /// Where the site is mounted: `/`, or a subpath like `/fazhi/` matching the site's base URL.
    public let basePath: String
    public let hub: LiveReloadHub

    public init(root: String, host: String = "127.0.0.1", port: Int = 1313, basePath: String = "/", hub: LiveReloadHub) {
        self.root = FileWatcher.absolute(root)
        self.host = host
        self.port = port
        var base = basePath.hasPrefix("/") ? basePath : "/" + basePath
        if !base.hasSuffix("/") { base += "/" }
        self.basePath = base
        self.hub = hub
    }

    /// Types Hummingbird does not know by extension: the search index Pagefind writes under `pagefind/`
    /// (gzipped binary chunks its script fetches and unpacks itself; `.js`, `.css`, `.json` are known).
    static let extraMediaTypes: [String: MediaType] = [
        "pagefind": .applicationBinary, "pf_meta": .applicationBinary, "pf_index": .applicationBinary,
        "pf_fragment": .applicationBinary, "pf_filter": .applicationBinary,
    ]

    /// The URL path of the event stream pages listen to.
    public var eventsPath: String { basePath + "__fazhi/events" }

    /// Runs until the task is cancelled. `onRunning` receives the port actually bound.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "fazhi.serve")
        // Cancellation on Ctrl-C is logged as an error by the server; rebuild errors are reported by the session.
        logger.logLevel = .critical
        let router = Router()
        router.add(middleware: PathGuardMiddleware())
        router.add(middleware: NotFoundPageMiddleware(server: self))
        router.add(middleware: SiteFileMiddleware(server: self))
        router.add(middleware: FileMiddleware(root, urlBasePath: basePath == "/" ? nil : String(basePath.dropLast()),
                                              searchForIndexHtml: true, logger: logger)
            .withAdditionalMediaTypes(forFileExtensions: Self.extraMediaTypes))
        let hub = self.hub
        router.get(RouterPath(eventsPath)) { _, _ -> Response in
            let stream = await hub.subscribe()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": fazhi live reload\n\n"))
                    for await event in stream {
                        try await writer.write(ByteBuffer(string: event.wireFormat))
                    }
                    try await writer.finish(nil)
                })
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "fazhi"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.run()
    }

    /// Maps a request path to a file in the site, or nil when it is outside the site or not there.
    /// Returns the file path and whether the request should be redirected to add a trailing slash.
    func resolve(_ requestPath: String) -> (file: String, redirect: Bool)? {
        guard let decoded = requestPath.removingPercentEncoding, !PathSafety.isHostile(decoded),
              decoded.hasPrefix(basePath) || decoded + "/" == basePath else { return nil }
        var rel = decoded + "/" == basePath ? "" : String(decoded.dropFirst(basePath.count))
        var isDir: ObjCBool = false
        var candidate = rel.isEmpty ? root : root + "/" + rel
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue {
            if !rel.isEmpty && !rel.hasSuffix("/") { return (candidate, true) }
            rel += "index.html"
            candidate = root + "/" + rel
        }
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue else { return nil }
        // Symbolic links must not lead out of the site.
        let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard real.hasPrefix(realRoot + "/") else { return nil }
        return (candidate, false)
    }

    func htmlResponse(file: String, status: HTTPResponse.Status, head: Bool) async throws -> Response {
        guard let data = FileManager.default.contents(atPath: file) else { throw HTTPError(.notFound) }
        let tag = ReloadScript.tag(eventsURL: eventsPath, currentError: await hub.currentError)
        let bytes = ReloadScript.inject(tag, into: [UInt8](data))
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: head ? .init() : .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

enum PathSafety {
    /// A decoded request path that could leave the site: `..` or `.` segments, backslashes, NUL, not absolute.
    static func isHostile(_ decodedPath: String) -> Bool {
        if decodedPath.contains("\0") || decodedPath.contains("\\") || !decodedPath.hasPrefix("/") { return true }
        return decodedPath.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." }
    }
}

/// Refuses requests whose path could leave the site: `..` in any encoding, backslashes, NUL, bad escapes.
struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let raw = request.uri.path
        guard let decoded = raw.removingPercentEncoding, !PathSafety.isHostile(decoded), !raw.contains(".."),
              // A second round of decoding must not reveal anything either (%252e%252e).
              !PathSafety.isHostile(decoded.removingPercentEncoding ?? decoded)
        else {
            return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "bad path\n")))
        }
        return try await next(request, context)
    }
}

/// Resolves every request to a file inside the site (symbolic links included) before anything is served,
/// and serves HTML pages itself, so it can add the live-reload script. Other files go on to FileMiddleware.
struct SiteFileMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: PreviewServer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, request.uri.path != server.eventsPath else {
            return try await next(request, context)
        }
        guard let (file, redirect) = server.resolve(request.uri.path) else { throw HTTPError(.notFound) }
        if redirect {
            return Response(status: .movedPermanently, headers: [.location: request.uri.path + "/"])
        }
        guard file.hasSuffix(".html") else { return try await next(request, context) }
        return try await server.htmlResponse(file: file, status: .ok, head: request.method == .head)
    }
}

/// Answers a request for nothing with the site's own 404 page.
struct NotFoundPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: PreviewServer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status != .notFound { return response }
        } catch let error as any HTTPResponseError where error.status == .notFound {
        }
        let page = server.root + "/404.html"
        if FileManager.default.fileExists(atPath: page) {
            return try await server.htmlResponse(file: page, status: .notFound, head: request.method == .head)
        }
        return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
    }
}
