import Foundation
import FazhiModel

/// What the preview server tells open pages.
public enum PreviewEvent: Sendable, Equatable {
    /// A rebuild succeeded: reload the page.
    case reload
    /// A rebuild failed: show this message over the page until the next good build.
    case buildFailed(String)

    /// The event in server-sent-events wire format.
    var wireFormat: String {
        switch self {
        case .reload: return "event: reload\ndata: ok\n\n"
        case .buildFailed(let message):
            let data = message.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }.joined(separator: "\n")
            return "event: build-error\n\(data)\n\n"
        }
    }
}

/// Fans events out to every open page; remembers the last build error so newly opened pages show it too.
public actor LiveReloadHub {
    private var subscribers: [UUID: AsyncStream<PreviewEvent>.Continuation] = [:]
    private var closed = false
    public private(set) var currentError: String?
    /// How many events have been published (for tests and logs).
    public private(set) var published = 0

    public init() {}

    public func subscribe() -> AsyncStream<PreviewEvent> {
        let (stream, continuation) = AsyncStream<PreviewEvent>.makeStream(bufferingPolicy: .bufferingNewest(8))
        if closed { continuation.finish(); return stream }
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        return stream
    }

    public var subscriberCount: Int { subscribers.count }

    public func publish(_ event: PreviewEvent) {
        switch event {
        case .reload: currentError = nil
        case .buildFailed(let message): currentError = message
        }
        published += 1
        for c in subscribers.values { c.yield(event) }
    }

    /// Ends every open event stream (on shutdown), so the server can stop without waiting for pages to close.
    public func close() {
        closed = true
        for c in subscribers.values { c.finish() }
        subscribers.removeAll()
    }

    private func remove(_ id: UUID) { subscribers[id] = nil }
}

/// The script injected into served HTML pages (and only there: it is never written into the site).
enum ReloadScript {
    static func tag(eventsURL: String, currentError: String?) -> String {
        let errorJSON = currentError.map(JSONText.quoted) ?? "null"
        return """
        <script data-fazhi-live-reload>
        (function () {
          var box = null;
          function show(msg) {
            if (!box) {
              box = document.createElement("pre");
              box.setAttribute("role", "alert");
              box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50%;overflow:auto;margin:0;padding:1em;background:#7f1d1d;color:#fff;font:14px/1.4 monospace;z-index:99999;white-space:pre-wrap";
              document.body.appendChild(box);
            }
            box.textContent = "fazhi: 构建失败 build failed\\n\\n" + msg;
          }
          var initial = \(errorJSON);
          if (initial) { document.addEventListener("DOMContentLoaded", function () { show(initial); }); }
          var es = new EventSource(\(JSONText.quoted(eventsURL)));
          es.addEventListener("reload", function () { location.reload(); });
          es.addEventListener("build-error", function (e) { show(e.data); });
        })();
        </script>
        """
    }

    /// Inserts the tag before the last `</body>`, or at the end when there is none.
    static func inject(_ tag: String, into html: [UInt8]) -> [UInt8] {
        let needle = Array("</body>".utf8)
        var i = html.count - needle.count
        while i >= 0 {
            if html[i] == UInt8(ascii: "<"), Array(html[i..<(i + needle.count)]).map({ $0 | 0x20 }) == needle.map({ $0 | 0x20 }) {
                return Array(html[..<i]) + Array(tag.utf8) + Array(html[i...])
            }
            i -= 1
        }
        return html + Array(tag.utf8)
    }
}
