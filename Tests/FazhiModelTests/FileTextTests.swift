#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Synchronization
import Dispatch
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

    /// A new file is written unnamed and then linked under its name (one change to the folder); a name that
    /// exists is left alone by that step, and `create` then replaces the file as `replace` does. No temporary
    /// file is left either way, and the size and time returned are the file's.
    @Test func aNewFileIsLinkedWholeUnderItsName() throws {
        let dir = "/tmp/fazhi-create-\(getpid())"
        mkdir(dir, 0o755)
        defer { for f in ["a.md", "b.md"] { unlink(dir + "/" + f) }; rmdir(dir) }
        let bytes = Array("---\nid: \"a\"\n---\n正文\n".utf8)
        #if os(Linux)
        let (failure, written) = FileText.linkNew(dir + "/a.md", bytes)
        #expect(failure == 0)
        var st = stat()
        #expect(stat(dir + "/a.md", &st) == 0 && written.size == Int64(bytes.count) && written.mtime == FileText.modificationTime(st))
        #expect(FileText.linkNew(dir + "/a.md", [1, 2, 3]).0 == EEXIST)
        #expect(FileText.bytes(dir + "/a.md") == bytes)
        #endif
        try FileText.create(dir + "/a.md", with: [1, 2, 3])
        #expect(FileText.bytes(dir + "/a.md") == [1, 2, 3])
        let made = try FileText.create(dir + "/b.md", with: bytes)
        #expect(FileText.bytes(dir + "/b.md") == bytes && made.size == Int64(bytes.count))
        var names: [String] = []
        if let folder = opendir(dir) {
            while let entry = readdir(folder) { names.append(FileText.entryName(entry)) }
            closedir(folder)
        }
        #expect(names.filter { $0 != "." && $0 != ".." }.sorted() == ["a.md", "b.md"])
    }

    /// A sink takes bytes and ranges of another file, in order, into a file or into memory; a range goes
    /// through the kernel into a file and, where the kernel declines (a pipe), through a buffer.
    /// A splice writer hands bytes and ranges over in order, touching ranges as one, and knows where the next
    /// byte lands.
    @Test func aSpliceWriterKeepsBytesAndRangesInOrder() throws {
        let dir = "/tmp/fazhi-splice-\(getpid())"
        mkdir(dir, 0o755)
        defer { unlink(dir + "/source"); rmdir(dir) }
        let source = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 7) }
        #expect(FileText.writeNew(dir + "/source", source) == 0)
        let file = try #require(FileText.OpenFile(dir + "/source"))
        let sink = FileSink()
        var out = SpliceWriter(into: sink, copyingFrom: file.fd, bytes: Array("head".utf8))
        var expected = Array("head".utf8)
        out.copy(100..<200); out.copy(200..<350)       // touching: one range
        #expect(out.copyEnd == 350 && out.position == 4 + 250)
        expected += source[100..<350]
        out.copy(1000..<1010); expected += source[1000..<1010]
        out.endCopy()
        #expect(out.copyEnd == nil)
        out.bytes += [9, 9]; expected += [9, 9]
        out.copy(50_000..<100_000); expected += source[50_000..<100_000]
        #expect(out.position == expected.count)
        out.finish()
        #expect(sink.bytes == expected && sink.count == expected.count && sink.failure == 0)
    }

    @Test func aSinkTakesBytesAndRangesOfAnotherFileInOrder() throws {
        let dir = "/tmp/fazhi-sink-\(getpid())"
        mkdir(dir, 0o755)
        defer { unlink(dir + "/source"); unlink(dir + "/target"); rmdir(dir) }
        let source = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        #expect(FileText.writeNew(dir + "/source", source) == 0)
        let file = try #require(FileText.OpenFile(dir + "/source"))
        #expect(file.size == source.count)
        // Bytes, a range, bytes, a range longer than a chunk, a range at the very end.
        var expected: [UInt8] = []
        func run(_ sink: FileSink, long: Int = 2_000_000) {
            var buffer: [UInt8] = Array("head".utf8)
            expected = buffer
            sink.take(&buffer)
            #expect(buffer.isEmpty)
            sink.copy(from: file.fd, offset: 10, length: 1000); expected += source[10..<1010]
            buffer = [1, 2, 3]; expected += buffer; sink.take(&buffer)
            sink.copy(from: file.fd, offset: 5000, length: long); expected += source[5000..<(5000 + long)]
            sink.copy(from: file.fd, offset: source.count - 7, length: 7); expected += source[(source.count - 7)...]
            #expect(sink.count == expected.count)
            #expect(sink.failure == 0)
        }
        let memory = FileSink()
        run(memory)
        #expect(memory.bytes == expected)

        let fd = open(dir + "/target", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        run(FileSink(fd: fd))
        close(fd)
        #expect(FileText.bytes(dir + "/target") == expected)
        #expect(FileText.sameBytes(dir + "/target", dir + "/target"))
        #expect(!FileText.sameBytes(dir + "/target", dir + "/source"))

        // Into a pipe, which copy_file_range refuses (what is written fits in the pipe's buffer).
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        run(FileSink(fd: ends[1]), long: 50_000)
        close(ends[1])
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(ends[0], $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            got += chunk[0..<n]
        }
        close(ends[0])
        #expect(got == expected)

        // A range past the end of the source is an error, not a short file.
        let short = FileSink()
        short.copy(from: file.fd, offset: source.count - 5, length: 10)
        #expect(short.failure == EIO)
    }
}

@Suite struct ProgressCounterTests {
    /// From both cores: a short loop reports every item, a long one every hundredth and the last; always in order.
    @Test(arguments: [60, 20_000]) func progressLinesComeInOrder(total: Int) {
        let counter = ProgressCounter(total: total)
        let seen = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: total) { _ in counter.finished { n in seen.withLock { $0.append(n) } } }
        let lines = seen.withLock { $0 }
        #expect(lines == lines.sorted() && Set(lines).count == lines.count && lines.last == total)
        if total <= 100 { #expect(lines == Array(1...total)) } else {
            #expect(lines.allSatisfy { $0 % (total / 100) == 0 } && lines.count >= 50 && lines.count <= 100)
        }
    }
}
