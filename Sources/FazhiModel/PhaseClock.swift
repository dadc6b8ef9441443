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
    private var lastCPU = PhaseClock.cpu()

    public init() {}

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The process's user + system CPU time, ns (all threads).
    static func cpu() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Prints the time since the last lap (or since the clock was made) as `phase`'s, with the CPU time all
    /// threads spent in it (twice the wall time when both cores were busy).
    public mutating func lap(_ phase: String) {
        guard enabled else { return }
        let now = Self.now()
        let cpuNow = Self.cpu()
        func seconds(_ ns: UInt64) -> String {
            let ms = Int(ns / 1_000_000)
            return "\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())"
        }
        let name = phase.count < 14 ? phase + String(repeating: " ", count: 14 - phase.count) : phase
        let line = Array("timing \(name) \(seconds(now - last)) s (cpu \(seconds(cpuNow - lastCPU)) s)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        last = now
        lastCPU = cpuNow
    }
}
