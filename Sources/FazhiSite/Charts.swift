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

    /// A line over years (or any ordered labels). Needs at least two points (none drawn with fewer).
    /// Both charts are HTML bytes for the templates (`{{{svg}}}`), not Strings: a String was checked as UTF-8
    /// when made and copied back to bytes when written.
    public static func trend(title: String, points: [Point], width: Int = 560, height: Int = 240) -> HTMLBytes {
        guard points.count >= 2 else { return HTMLBytes([]) }
        let left = 64.0, right = 20.0, top = 20.0, bottom = 36.0
        let w = Double(width), h = Double(height)
        let maxV = niceCeiling(points.map(\.value).max() ?? 1)
        let minV = min(0, points.map(\.value).min() ?? 0)
        let span = maxV - minV == 0 ? 1 : maxV - minV
        let stepX = (w - left - right) / Double(max(points.count - 1, 1))
        func x(_ i: Int) -> Double { left + Double(i) * stepX }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - minV) / span) }
        // Written as bytes (string interpolation and `+=` were most of a locality page's time).
        var s = HTMLWriter()
        s.raw("<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "); s.plain(String(width)); s.raw(" ")
        s.plain(String(height)); s.raw("\" role=\"img\" aria-label=\""); s.text(title); s.raw("\">")
        s.raw("<title>"); s.text(title); s.raw("</title>")
        // Grid: 0, half, max.
        for frac in [0.0, 0.5, 1.0] {
            let v = minV + span * frac
            let yy = fmt(y(v))
            s.raw("<line class=\"grid\" x1=\""); s.plain(fmt(left)); s.raw("\" y1=\""); s.plain(yy); s.raw("\" x2=\""); s.plain(fmt(w - right))
            s.raw("\" y2=\""); s.plain(yy); s.raw("\"/>")
            s.raw("<text class=\"axis y\" x=\""); s.plain(fmt(left - 6)); s.raw("\" y=\""); s.plain(yy); s.raw("\">")
            s.text(NumberFormat.display(v)); s.raw("</text>")
        }
        s.raw("<path class=\"line\" d=\"")
        for (i, p) in points.enumerated() {
            s.raw(i == 0 ? "M" : " L"); s.plain(fmt(x(i))); s.raw(" "); s.plain(fmt(y(p.value)))
        }
        s.raw("\"/>")
        for (i, p) in points.enumerated() {
            let cx = fmt(x(i)), cy = fmt(y(p.value))
            if let href = p.href { s.raw("<a href=\""); s.text(href); s.raw("\">") }
            s.raw("<circle class=\"dot\" cx=\""); s.plain(cx); s.raw("\" cy=\""); s.plain(cy); s.raw("\" r=\"4\"><title>")
            s.text(p.label); s.raw(": "); s.text(p.shown); s.raw("</title></circle>")
            if p.href != nil { s.raw("</a>") }
            s.raw("<text class=\"value\" x=\""); s.plain(cx); s.raw("\" y=\""); s.plain(fmt(y(p.value) - 9)); s.raw("\">")
            s.text(p.shown); s.raw("</text>")
            s.raw("<text class=\"axis x\" x=\""); s.plain(cx); s.raw("\" y=\""); s.plain(fmt(h - bottom + 18)); s.raw("\">")
            s.text(p.label); s.raw("</text>")
        }
        s.raw("</svg>")
        return HTMLBytes(s.bytes)
    }

    /// Horizontal bars, largest first as given (a ranking).
    public static func bars(title: String, points: [Point], width: Int = 560) -> HTMLBytes {
        guard !points.isEmpty else { return HTMLBytes([]) }
        let rowH = 24.0, left = 120.0, right = 90.0, top = 8.0
        let height = Int(top * 2 + rowH * Double(points.count))
        let w = Double(width)
        let maxV = max(points.map(\.value).max() ?? 1, 0)
        let scale = maxV == 0 ? 0 : (w - left - right) / maxV
        var s = HTMLWriter()
        s.raw("<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "); s.plain(String(width)); s.raw(" ")
        s.plain(String(height)); s.raw("\" role=\"img\" aria-label=\""); s.text(title); s.raw("\">")
        s.raw("<title>"); s.text(title); s.raw("</title>")
        for (i, p) in points.enumerated() {
            let y = top + Double(i) * rowH
            let bw = max(p.value, 0) * scale
            s.raw("<text class=\"axis y\" x=\""); s.plain(fmt(left - 6)); s.raw("\" y=\""); s.plain(fmt(y + rowH / 2)); s.raw("\">")
            s.text(p.label); s.raw("</text>")
            if let href = p.href { s.raw("<a href=\""); s.text(href); s.raw("\">") }
            s.raw("<rect class=\"bar\" x=\""); s.plain(fmt(left)); s.raw("\" y=\""); s.plain(fmt(y + 3)); s.raw("\" width=\""); s.plain(fmt(bw))
            s.raw("\" height=\""); s.plain(fmt(rowH - 6)); s.raw("\"><title>"); s.text(p.label); s.raw(": "); s.text(p.shown); s.raw("</title></rect>")
            if p.href != nil { s.raw("</a>") }
            s.raw("<text class=\"value\" x=\""); s.plain(fmt(left + bw + 6)); s.raw("\" y=\""); s.plain(fmt(y + rowH / 2)); s.raw("\">")
            s.text(p.shown); s.raw("</text>")
        }
        s.raw("</svg>")
        return HTMLBytes(s.bytes)
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
