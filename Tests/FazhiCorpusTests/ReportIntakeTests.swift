import Foundation
import Testing
import FazhiCorpus
import FazhiModel

@Suite struct ReportIntakeTests {
    @Test func addsUnderCanonicalNamesAndRefusesDuplicatesAndNonReports() throws {
        let project = TempProject()
        project.copySeed("湖北省天门市-2024-法治政府建设情况报告.txt", as: "old/tianmen.txt")
        let incoming = NSTemporaryDirectory() + "fazhi-intake-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: incoming) }
        let seed = { (name: String) in FileManager.default.contents(atPath: seedsDir + "/" + name)! }
        FileManager.default.createFile(atPath: incoming + "/-武冈 report.txt", contents: seed("湖南省武冈市-2023-法治政府建设工作报告.txt"))
        FileManager.default.createFile(atPath: incoming + "/copy.txt", contents: seed("湖北省天门市-2024-法治政府建设情况报告.txt"))
        FileManager.default.createFile(atPath: incoming + "/image.png", contents: Data([0x89, 0x50, 0x4E, 0x47]))
        FileManager.default.createFile(atPath: incoming + "/empty.txt", contents: Data())
        let before = try FileManager.default.contentsOfDirectory(atPath: project.reports + "/old")

        let outcomes = ReportIntake(layout: project.layout).add([
            incoming + "/-武冈 report.txt", incoming + "/copy.txt", incoming + "/image.png",
            incoming + "/empty.txt", incoming + "/missing.txt", incoming + "/-武冈 report.txt",
        ])
        #expect(outcomes.count == 6)
        #expect(outcomes[0].result == .added(project.reports + "/湖南省/430581-武冈市-2023.txt"))
        #expect(outcomes[1].result == .duplicate(of: project.reports + "/old/tianmen.txt"))
        // The same file given twice: the second is a duplicate of the first, now in the corpus.
        #expect(outcomes[5].result == .duplicate(of: project.reports + "/湖南省/430581-武冈市-2023.txt"))
        for i in [2, 3, 4] {
            guard case .refused(let d) = outcomes[i].result else { Issue.record("\(outcomes[i]) should be refused"); continue }
            #expect(d.file == outcomes[i].file)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.reports + "/old") == before)
        // The copy is byte-identical to what was given, and converts like any report.
        #expect(FileManager.default.contents(atPath: project.reports + "/湖南省/430581-武冈市-2023.txt") == seed("湖南省武冈市-2023-法治政府建设工作报告.txt"))
        let summary = try project.convert()
        #expect(summary.failed.isEmpty)
        #expect(project.markdownFiles() == ["429006-2024.md", "430581-2023.md"])
    }

    @Test func aSecondReportOfTheSameNameGetsASuffixAndUnknownLocalitiesGoToUnsorted() throws {
        let project = TempProject()
        let text = sampleReport(title: "鼓楼区2024年法治政府建设情况报告")
        let incoming = NSTemporaryDirectory() + "fazhi-intake-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: incoming) }
        FileManager.default.createFile(atPath: incoming + "/a.txt", contents: Data(text.utf8))
        FileManager.default.createFile(atPath: incoming + "/b.txt", contents: Data((text + "\n补充。\n").utf8))
        let outcomes = ReportIntake(layout: project.layout).add([incoming + "/a.txt", incoming + "/b.txt"])
        // 鼓楼区 exists in four cities: no locality is guessed, so the file goes to 未归类 under its own name.
        #expect(outcomes[0].result == .added(project.reports + "/未归类/a.txt"))
        #expect(outcomes[1].result == .added(project.reports + "/未归类/b.txt"))
        let again = ReportIntake(layout: project.layout).add([incoming + "/a.txt"])
        #expect(again[0].result == .duplicate(of: project.reports + "/未归类/a.txt"))
        // Two different reports of one locality and year: the second name gets -2.
        let wugang = FileManager.default.contents(atPath: seedsDir + "/湖南省武冈市-2023-法治政府建设工作报告.txt")!
        FileManager.default.createFile(atPath: incoming + "/w1.txt", contents: wugang)
        FileManager.default.createFile(atPath: incoming + "/w2.txt", contents: wugang + Data("\n另附说明。\n".utf8))
        let two = ReportIntake(layout: project.layout).add([incoming + "/w1.txt", incoming + "/w2.txt"])
        #expect(two.map(\.result) == [.added(project.reports + "/湖南省/430581-武冈市-2023.txt"),
                                       .added(project.reports + "/湖南省/430581-武冈市-2023-2.txt")])
    }
}
