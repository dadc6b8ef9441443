#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Phase timings of one build or convert, printed to standard error when the environment has `FAZHI_TIMINGS=1`
/// (for benchmarks: `bench/incremental.sh` shows them). Never written into the site.
public struct PhaseClock {
    public let enabled = getenv("FAZHI_TIMINGS").map { String(cString: $0) == "1" } ?? false
    private var last = PhaseClock.now()

    public init() {}

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Prints the time since the last lap (or since the clock was made) as `phase`'s.
    public mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = Self.now()
        let ms = Double(now - last) / 1e6
        let name = phase.count < 14 ? phase + String(repeating: " ", count: 14 - phase.count) : phase
        let line = Array("timing \(name) \(String(Int(ms / 1000))).\(String(Int(ms) % 1000 + 1000).dropFirst()) s\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        last = now
    }
}
