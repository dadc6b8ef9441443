import ArgumentParser
import Foundation
import FazhiCorpus
import FazhiSynthetic

struct GenCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-corpus",
        abstract: "Write a deterministic synthetic report corpus, for benchmarks.",
        discussion: """
        Writes N raw report files into DIR (ready for content/reports/): the seed reports' structure and phrasing, \
        real localities from the gazetteer, years 2016–2025, varied numbers, page debris, and a mix of UTF-8, \
        UTF-8 with BOM, GB18030 and HTML files. The same N and seed give the same bytes.
        """)

    @Option(name: .long, help: "How many reports to write (at most 10 per locality).")
    var reports: Int

    @Option(name: .long, help: "Seed for the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Folder to write into (created when missing).")
    var out: String

    func validate() throws {
        guard reports > 0 else { throw ValidationError("--reports must be at least 1") }
    }

    func run() throws {
        let gazetteer = Gazetteer.shared
        let divisions = gazetteer.divisions.values.map { d in
            SyntheticDivision(adcode: d.adcode, name: d.name,
                              chain: gazetteer.chain(d).dropFirst().reversed().map(\.name))
        }
        let started = Date()
        let bytes = try SyntheticCorpus(divisions: divisions, seed: seed).write(count: reports, to: out)
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        print("wrote \(reports) reports (\(bytes / 1024) KiB) to \(out) in \(seconds) s")
    }
}
