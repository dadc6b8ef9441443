#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A raw HTTP/1.1 exchange with 127.0.0.1: the request line goes on the wire exactly as given (URL libraries
/// would normalise `..` and percent-escapes away). Reads until the server closes, `marker` appears in what
/// came, or `timeout` seconds pass. Shared by the preview server's tests and its hostile-input tests.
public func rawHTTP(port: Int, _ requestLine: String, until marker: String? = nil, timeout: Double = 60) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { return "" }
    let request = Array("\(requestLine)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, request.count, 0) }
    var data = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        data.append(contentsOf: buf[0..<n])
        if let marker, String(decoding: data, as: UTF8.self).contains(marker) { break }
    }
    return String(decoding: data, as: UTF8.self)
}

/// The status code of a raw response (`HTTP/1.1 404 Not Found` → 404); 0 when there is none.
public func statusCode(_ response: String) -> Int {
    let parts = response.split(separator: " ", maxSplits: 2)
    return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
}
