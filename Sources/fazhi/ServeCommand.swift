import ArgumentParser
import Foundation
import FazhiModel
import FazhiCorpus
import FazhiSite
import FazhiPreview

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build the site, serve it locally, and rebuild and reload open pages when content or templates change.",
        discussion: """
        Serves <output> on http://127.0.0.1:<port>/ (1313, or the next free port). Watches <content> and \
        <templates>; a change rebuilds incrementally and reloads open browser tabs. A failed rebuild shows its \
        error in the terminal and over the page until the next good build. The reload script is added to \
        served pages only, never written into <output>. Ctrl-C stops.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Port to listen on; when it is taken, the next free one is used.")
    var port: Int = 1313

    @Option(help: "Address to bind. The default serves this machine only; bind elsewhere on purpose only.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("base-url"), help: "Base URL to build and serve under (default: / for local preview). A subpath like /fazhi/ is served under that path.")
    var baseURL: String = "/"

    func run() async throws {
        let layout = global.layout
        let baseURL = self.baseURL
        let rebuild: PreviewSession.Rebuild = { _ in Self.rebuild(layout: layout, baseURL: baseURL) }
        switch rebuild([]) {
        case .success(let summary): printErr(summary)
        case .failure(let failure): printErr("first build failed:\n\(failure.message)")
        }
        guard let freePort = PortFinder.firstFree(host: host, from: port) else {
            throw ValidationError("no free port from \(port) to \(port + 49) on \(host)")
        }
        let hub = LiveReloadHub()
        let basePath = URL(string: baseURL)?.path ?? "/"
        let server = PreviewServer(root: layout.output, host: host, port: freePort, basePath: basePath, hub: hub)
        let session = PreviewSession(hub: hub, rebuild: rebuild, log: { printErr($0) })
        session.watch([layout.content, layout.templates], ignoring: [layout.markdown])

        let host = self.host
        let serverTask = Task {
            try await server.run(onRunning: { bound in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                // Written unbuffered: a script or test reading a pipe learns the port at once.
                FileHandle.standardOutput.write(Data("Serving \(layout.output) at http://\(shownHost):\(bound)\(server.basePath)  (Ctrl-C stops)\n".utf8))
            })
        }
        // Ctrl-C / SIGTERM: close the event streams so the server can stop at once, then stop.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in signals {
            source.setEventHandler {
                session.stop()
                Task { await hub.close(); serverTask.cancel() }
            }
            source.resume()
        }
        // The sources must live until the server stops: an optimised build may release them after `resume()`.
        _ = await serverTask.result
        withExtendedLifetime(signals) {}
        printErr("stopped")
    }

    /// Convert what changed, then render. A failure carries every diagnostic, for the terminal and the page.
    static func rebuild(layout: ProjectLayout, baseURL: String) -> Result<String, PreviewSession.RebuildFailure> {
        let started = Date()
        do {
            var builder = SiteBuilder(layout: layout, baseURL: baseURL)
            builder.prefetchCache()
            var converter = Converter(layout: layout)
            converter.startAhead(&builder)
            let converted = try converter.run()
            let built = try builder.build()
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            if !converted.failed.isEmpty {
                return .failure(.init(converted.failed.map(\.description).joined(separator: "\n")))
            }
            return .success("rebuilt in \(seconds) s: \(converted.converted.count) converted, \(built.pagesWritten) pages written; \(built.search.line)")
        } catch {
            return .failure(.init(String(describing: error)))
        }
    }
}

func printErr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
