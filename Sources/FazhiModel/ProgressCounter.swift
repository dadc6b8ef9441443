import Synchronization

/// Counts the finished items of a parallel loop and says when a progress line is due: for every item of a
/// loop of up to 100, else at every hundredth of the total, and at the last (convert printed a line for each
/// of 20,000 reports). The lines come out in order. In a long loop the count is atomic and only a
/// due line takes the lock; a count another thread passed while this one was about to report it is dropped.
/// In a short one every item takes the lock, so that each has its line (a test reads the pages rendered from
/// them).
public final class ProgressCounter: Sendable {
    public let total: Int
    let step: Int
    private let done = Atomic<Int>(0)
    private let reported = Mutex<Int>(0)

    public init(total: Int) {
        self.total = total
        step = total <= 100 ? 1 : total / 100
    }

    /// Counts one finished item; calls `report` with the count when a line is due.
    public func finished(_ report: (Int) -> Void) {
        if step == 1 {
            reported.withLock { last in last += 1; report(last) }
            return
        }
        let n = done.add(1, ordering: .relaxed).newValue
        guard n == total || n % step == 0 else { return }
        reported.withLock { last in
            if n > last { last = n; report(n) }
        }
    }
}
