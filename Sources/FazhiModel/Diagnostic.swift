/// An error or warning about an input, with the file and line it concerns.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var file: String
    /// 1-based; nil when the message concerns the whole file.
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(_ severity: Severity = .error, file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.severity = severity; self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// `file:line:column: error: message`, the form editors and terminals link.
    public var description: String {
        var place = file
        if let line { place += ":\(line)"; if let column { place += ":\(column)" } }
        return "\(place): \(severity.rawValue): \(message)"
    }
}
