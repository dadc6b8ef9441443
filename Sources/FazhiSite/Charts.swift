import FazhiModel

/// Inline SVG charts, drawn at build time: no JavaScript needed to see them. How text is anchored, and that a
/// line is not filled, is in the site's style sheet (`svg.chart` in assets/style.css), not repeated on each element.
/// Each has `role="img"`, an `aria-label` and a `<title>`; the table beside it is the text alternative.
public enum Charts {
    public struct Point: Sendable {
        public var label: String
        public var value: Double
        public var shown: String
        public var href: String?
        public init(label: String, value: Double, shown: String, href: String? = nil) {
            self.label = label; self.value = value; self.shown = shown; self.href = href
        }
    }

    /// A line over years (or any ordered labels). Needs at least two points.
    public static func trend(title: String, points: [Point], width: Int = 560, height: Int = 240) -> String {
        guard points.count >= 2 else { return "" }
        let left = 64.0, right = 20.0, top = 20.0, bottom = 36.0
        let w = Double(width), h = Double(height)
        let maxV = niceCeiling(points.map(\.value).max() ?? 1)
        let minV = min(0, points.map(\.value).min() ?? 0)
        let span = maxV - minV == 0 ? 1 : maxV - minV
        let stepX = (w - left - right) / Double(max(points.count - 1, 1))
        func x(_ i: Int) -> Double { left + Double(i) * stepX }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - minV) / span) }
        let label = Escape.html(title)
        var s = "<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(label)\">"
        s += "<title>\(label)</title>"
        // Grid: 0, half, max.
        for frac in [0.0, 0.5, 1.0] {
            let v = minV + span * frac
            let yy = fmt(y(v))
            s += "<line class=\"grid\" x1=\"\(fmt(left))\" y1=\"\(yy)\" x2=\"\(fmt(w - right))\" y2=\"\(yy)\"/>"
            s += "<text class=\"axis y\" x=\"\(fmt(left - 6))\" y=\"\(yy)\">\(Escape.html(NumberFormat.display(v)))</text>"
        }
        var path = ""
        for (i, p) in points.enumerated() { path += (i == 0 ? "M" : " L") + "\(fmt(x(i))) \(fmt(y(p.value)))" }
        s += "<path class=\"line\" d=\"\(path)\"/>"
        for (i, p) in points.enumerated() {
            let dot = "<circle class=\"dot\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"4\"><title>\(Escape.html(p.label)): \(Escape.html(p.shown))</title></circle>"
            if let href = p.href { s += "<a href=\"\(Escape.html(href))\">\(dot)</a>" } else { s += dot }
            s += "<text class=\"value\" x=\"\(fmt(x(i)))\" y=\"\(fmt(y(p.value) - 9))\">\(Escape.html(p.shown))</text>"
            s += "<text class=\"axis x\" x=\"\(fmt(x(i)))\" y=\"\(fmt(h - bottom + 18))\">\(Escape.html(p.label))</text>"
        }
        s += "</svg>"
        return s
    }

    /// Horizontal bars, largest first as given (a ranking).
    public static func bars(title: String, points: [Point], width: Int = 560) -> String {
        guard !points.isEmpty else { return "" }
        let rowH = 24.0, left = 120.0, right = 90.0, top = 8.0
        let height = Int(top * 2 + rowH * Double(points.count))
        let w = Double(width)
        let maxV = max(points.map(\.value).max() ?? 1, 0)
        let scale = maxV == 0 ? 0 : (w - left - right) / maxV
        let label = Escape.html(title)
        var s = "<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(label)\">"
        s += "<title>\(label)</title>"
        for (i, p) in points.enumerated() {
            let y = top + Double(i) * rowH
            let bw = max(p.value, 0) * scale
            let bar = "<rect class=\"bar\" x=\"\(fmt(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(bw))\" height=\"\(fmt(rowH - 6))\"><title>\(Escape.html(p.label)): \(Escape.html(p.shown))</title></rect>"
            s += "<text class=\"axis y\" x=\"\(fmt(left - 6))\" y=\"\(fmt(y + rowH / 2))\">\(Escape.html(p.label))</text>"
            if let href = p.href { s += "<a href=\"\(Escape.html(href))\">\(bar)</a>" } else { s += bar }
            s += "<text class=\"value\" x=\"\(fmt(left + bw + 6))\" y=\"\(fmt(y + rowH / 2))\">\(Escape.html(p.shown))</text>"
        }
        s += "</svg>"
        return s
    }

    /// 1, 2, 2.5, 5 × 10^k at or above v.
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        var mag = 1.0
        while mag * 10 <= v { mag *= 10 }
        while mag > v { mag /= 10 }
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * mag >= v { return m * mag }
        return 10 * mag
    }

    /// One decimal, deterministic.
    static func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return NumberFormat.plain(r)
    }
}
