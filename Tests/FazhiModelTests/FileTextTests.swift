#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import FazhiModel

@Suite struct FileTextTests {
    /// A directory entry is only as long as its name needs. Here an entry named "a" ends where readable memory
    /// ends (the next page is not readable): its name is read without touching the page after it. (Copying
    /// the entry's whole 256-byte `d_name` there crashed convert about once in ten runs on 4,365 reports.)
    @Test func anEntryNameIsReadWithinTheEntry() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let base = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED else {
            Issue.record("mmap failed"); return
        }
        defer { munmap(base, 2 * page) }
        #expect(mprotect(base + page, page, PROT_NONE) == 0)
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let length = (offset + 2 + 7) / 8 * 8 // the name, its NUL, aligned as the kernel aligns entries
        let entry = base + page - length
        memset(entry, 0, length)
        entry.storeBytes(of: UInt8(ascii: "a"), toByteOffset: offset, as: UInt8.self)
        #expect(FileText.entryName(entry.assumingMemoryBound(to: dirent.self)) == "a")
    }
}
