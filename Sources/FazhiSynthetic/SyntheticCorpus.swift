import Foundation
import FazhiModel

/// One administrative division the generator may write reports for.
public struct SyntheticDivision: Sendable, Equatable {
    public var adcode: String
    public var name: String
    /// Parent names from the province down, e.g. ["湖南省", "邵阳市"]; empty for a province.
    public var chain: [String]
    public init(adcode: String, name: String, chain: [String]) {
        self.adcode = adcode; self.name = name; self.chain = chain
    }
}

/// A raw report file to write: its path relative to the output folder and its bytes.
public struct SyntheticReport: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// What the file was made to say (for tests): locality code, year, encoding.
    public var adcode: String
    public var year: Int
    public var encoding: String
}

/// Deterministic synthetic reports: the seeds' structure and phrasing, real localities, years 2016–2025,
/// varied numbers, page debris, and a mix of UTF-8, UTF-8 with BOM, GB18030 and HTML files.
/// The same divisions, count and seed give the same bytes.
public struct SyntheticCorpus: Sendable {
    public let divisions: [SyntheticDivision]
    public let seed: UInt64
    public static let years = Array(2016...2025)

    public init(divisions: [SyntheticDivision], seed: UInt64) {
        self.divisions = divisions.sorted { $0.adcode < $1.adcode }
        self.seed = seed
    }

    /// Distinct (division, year) slots, chosen by a seeded shuffle; at most divisions × 10 reports.
    public func slots(count: Int) -> [(division: SyntheticDivision, year: Int)] {
        let total = divisions.count * Self.years.count
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<total)
        let n = min(count, total)
        for i in 0..<n {
            let j = i + Int(rng.next() % UInt64(total - i))
            order.swapAt(i, j)
        }
        return order.prefix(n).map { (divisions[$0 / Self.years.count], Self.years[$0 % Self.years.count]) }
    }

    /// Generates report number `index` of the slots (independent of the others, so it parallelises).
    public func report(index: Int, division: SyntheticDivision, year: Int) -> SyntheticReport {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
        var writer = ReportWriter(division: division, year: year, rng: &rng)
        let text = writer.text()
        let folder = division.chain.first ?? division.name
        let base = "\(folder)/\(division.adcode)-\(year)"
        let roll = rng.next() % 100
        switch roll {
        case 0..<18:
            let gb = String.Encoding(rawValue: 0x8000_0632)
            let data = text.data(using: gb) ?? Data(text.utf8)
            return SyntheticReport(path: base + ".txt", bytes: [UInt8](data), adcode: division.adcode, year: year, encoding: "gb18030")
        case 18..<26:
            return SyntheticReport(path: base + ".html", bytes: Array(Self.html(text).utf8), adcode: division.adcode, year: year, encoding: "html")
        case 26..<31:
            return SyntheticReport(path: base + ".txt", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8), adcode: division.adcode, year: year, encoding: "utf-8-bom")
        default:
            return SyntheticReport(path: base + ".txt", bytes: Array(text.utf8), adcode: division.adcode, year: year, encoding: "utf-8")
        }
    }

    static func html(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let title = lines.first.map(String.init) ?? ""
        var out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(escape(title))</title>"
        out += "<script>var _hmt = _hmt || [];</script><style>body{font-size:16px}</style></head>\n<body>\n"
        out += "<div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/xxgk/\">信息公开</a></div>\n<div class=\"article\">\n"
        for line in lines { out += "<p>\(escape(String(line)))</p>\n" }
        out += "</div>\n<div class=\"footer\">主办单位：人民政府办公室 网站标识码：0000000000</div>\n</body></html>\n"
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Writes one report's text from phrase templates taken from the seed reports.
/// Placeholders: `{L}` locality, `{Y}` year, `{Y+1}` next year, `{a-b}` an integer in a..b,
/// `{a.b-c.d}` a decimal with one place, `{Q}` a qualifier (余/多/ or nothing).
struct ReportWriter {
    let division: SyntheticDivision
    let year: Int
    var rng: SplitMix64

    init(division: SyntheticDivision, year: Int, rng: inout SplitMix64) {
        self.division = division; self.year = year; self.rng = SplitMix64(seed: rng.next())
    }

    var shortName: String {
        var n = division.name
        for suffix in ["自治县", "自治州", "新区", "市", "县", "区", "省", "旗"] where n.hasSuffix(suffix) && n.count > suffix.count + 1 {
            n = String(n.dropLast(suffix.count)); break
        }
        return n
    }

    mutating func fill(_ template: String) -> String {
        var out = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            guard c == "{", let close = template[i...].firstIndex(of: "}") else { out.append(c); i = template.index(after: i); continue }
            let key = String(template[template.index(after: i)..<close])
            switch key {
            case "L": out += shortName
            case "Y": out += String(year)
            case "Y+1": out += String(year + 1)
            case "Q": out += rng.pick(["", "", "余", "多"])
            default:
                let bounds = key.split(separator: "-")
                if bounds.count == 2, bounds[0].contains("."), let a = Double(bounds[0]), let b = Double(bounds[1]) {
                    let v = a + Double(rng.next() % 1000) / 999 * (b - a)
                    out += String(format: "%.1f", v)
                } else if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]) {
                    out += String(rng.int(a...b))
                } else {
                    out += "{" + key + "}"
                }
            }
            i = template.index(after: close)
        }
        return out
    }

    mutating func paragraphs(_ pool: [String], count: ClosedRange<Int>) -> [String] {
        var chosen: [String] = []
        var available = pool
        for _ in 0..<min(rng.int(count), available.count) {
            let k = Int(rng.next() % UInt64(available.count))
            chosen.append(fill(available.remove(at: k)))
        }
        return chosen
    }

    mutating func text() -> String {
        let chainName = (division.chain.dropFirst() + [division.name]).joined()
        let title = fill(rng.pick([
            "\(chainName){Y}年法治政府建设情况报告",
            "\(chainName)人民政府关于{Y}年度法治政府建设情况的报告",
            "\(chainName){Y}年度法治政府建设工作报告",
        ]))
        let published = String(format: "%04d-%02d-%02d", year + 1, rng.int(1...3), rng.int(1...28))
        var lines: [String] = []
        switch rng.int(0...3) {
        case 0:
            lines += ["索引号", "\(division.adcode)00/\(year + 1)-\(rng.int(10000...99999))", "发布机构", "\(division.name)人民政府",
                      "发文日期", published, "名称", title, "文号", "", title, "", "发布时间:\(published) 10:\(rng.int(10...59)) 来源:\(division.name)司法局"]
        case 1:
            lines += ["您现在所在的位置: 首页 > 信息公开 > 法治政府建设", "分享到:", title, "文件名称: \(title)",
                      "索引号: \(division.adcode)00/\(year + 1)-\(rng.int(10000...99999))", "发文日期: \(published) 公开形式: 主动公开"]
        case 2:
            lines += ["中国政府网  |   省政府网", "今天是", "当前位置:首页>政府信息公开>法治政府建设", "字体大小:【大】 【中】 【小】",
                      "保存为word 打印 关闭", "发文时间\(published)", "标题\(title)", "", title]
        default:
            lines += [title]
        }
        lines.append("")
        lines.append(fill("{Y}年,{L}坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想,全面推进法治政府建设,为经济社会高质量发展提供有力法治保障。现将有关情况报告如下:"))
        lines.append("")
        lines.append(fill("一、{Y}年推进法治政府建设的主要举措和成效"))
        let ordinals = ["一", "二", "三", "四", "五", "六"]
        let sectionCount = rng.int(4...6)
        for s in 0..<sectionCount {
            let (heading, pool) = Phrases.sections[(s + rng.int(0...Phrases.sections.count - 1)) % Phrases.sections.count]
            lines.append("")
            lines.append("(\(ordinals[s]))\(heading)")
            for (k, p) in paragraphs(pool, count: 2...4).enumerated() {
                lines.append("")
                lines.append("\(ordinals[k])是\(p)")
            }
        }
        lines.append("")
        lines.append("二、存在的不足和原因")
        lines.append("")
        lines.append(fill(rng.pick(Phrases.shortcomings)))
        lines.append("")
        lines.append("三、党政主要负责人履行推进法治建设第一责任人职责情况")
        lines.append("")
        lines.append(fill("主要负责同志带头学法,全年组织政府常务会议集体学法{4-20}次,专题研究法治建设重大问题{2-9}次,推进述法工作全覆盖。"))
        lines.append("")
        lines.append(fill("四、{Y+1}年工作安排"))
        for p in paragraphs(Phrases.plans, count: 2...3) { lines.append(""); lines.append(p) }
        lines.append("")
        lines.append("\(division.name)人民政府")
        lines.append(fill("{Y+1}年\(rng.int(1...3))月\(rng.int(1...28))日"))
        if rng.chance(60) {
            lines += ["", "扫一扫在手机上查看当前页面", "", "我要打印 关闭窗口", "主办单位:\(division.name)人民政府办公室",
                      "网站标识码:\(division.adcode)0001"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Sentences in the seeds' phrasing, with their numbers made placeholders.
enum Phrases {
    static let sections: [(String, [String])] = [
        ("坚持党的领导,压实法治建设责任", [
            "坚决贯彻落实习近平法治思想。{Y}年政府理论学习中心组法治学习{3-9}次,各地各部门开展党委(党组)中心组学习{100-600}{Q}次。",
            "切实履行推进法治建设第一责任人职责,制定年度责任清单,书记{20-35}项、政府主要负责人{20-35}项工作任务已全面完成。",
            "发挥法治督察作用,对{5-30}个重点单位开展实地督察,督促整改问题{10-80}个。",
        ]),
        ("坚持依法决策,提升行政决策质量", [
            "严格合法性审核,{Y}年共对{5-40}件行政规范性文件、{3-30}件重大行政决策、{10-90}件重大合同进行合法性审核。",
            "健全法律顾问制度,全市{40-120}家党政机关配备法律顾问,{50-400}名公职律师参与重大决策论证。",
            "规范性文件合法性审核率达100%,备案及时率达100%。",
        ]),
        ("严格规范公正文明执法", [
            "确认行政执法主体{30-90}家,持证执法人员{800-4000}{Q}名,组织执法人员培训{2-12}期。",
            "开展行政执法案卷评查,抽查案卷{50-900}卷,发现问题{20-300}处并督促整改。",
            "推行柔性执法,累计办理首违不罚、轻微免罚案件{100-3000}{Q}件。",
        ]),
        ("深化放管服改革,优化法治化营商环境", [
            "实现{100-500}项事项“跨省通办”,累计上线“一件事”主题{20-150}项,为企业群众办件{1000-9000}件。",
            "调整公布行政职权{1000-6000}项,网上可办率达{90.0-99.9}%。",
            "为企业提供法治体检{10-90}次,法律咨询{100-900}次。",
        ]),
        ("化解矛盾纠纷,维护社会公平正义", [
            "{Y}年审结行政复议申请{20-900}件,纠错{1-40}件,纠错率{3.0-20.0}%。",
            "{Y}年受理行政复议案件{30-1500}件,办结{20-1200}件,行政应诉案件{10-300}件。",
            "全市{100-600}个人民调解组织{500-2500}名调解员调解矛盾纠纷{1000-16000}件,调解成功率达{95.0-99.9}%。",
            "行政机关负责人出庭应诉率达100%,行政诉讼败诉{0-9}件。",
        ]),
        ("加强普法宣传,提供公共法律服务", [
            "开展“法律六进”活动{200-2700}{Q}场次,发放宣传资料{1-9}万余份。",
            "办理法律援助案件{200-1500}件,办理各项公证{300-3000}件,提供法律咨询{1000-8000}{Q}次。",
            "创建全国民主法治示范村(社区){1-7}个,省级法治建设示范点{2-9}个。",
        ]),
    ]

    static let shortcomings = [
        "{Y}年,我市法治政府建设取得一定成效,但还存在法治建设重视程度不够、重点环节存在短板、执法行为有待规范、基层依法治理仍需加强等问题。",
        "对照新要求,仍存在一些不足:一是基层法治力量薄弱;二是行政执法规范化水平有待提升;三是法治宣传教育针对性不强。",
    ]

    static let plans = [
        "{Y+1}年,{L}将持续深化法治政府建设,计划开展法治宣传活动{300-900}场次,培训执法人员{500-2000}人次。",
        "持续推进行政执法规范化建设,开展案卷评查不少于{2-4}次,全面落实行政执法三项制度。",
        "深化行政复议体制改革,发挥行政复议化解行政争议主渠道作用,推进矛盾纠纷源头化解。",
    ]
}

extension SyntheticCorpus {
    /// Writes `count` reports under `folder` (created when missing), in parallel. Returns the bytes written.
    @discardableResult
    public func write(count: Int, to folder: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Int {
        let chosen = slots(count: count)
        let fm = FileManager.default
        for sub in Set(chosen.map { $0.division.chain.first ?? $0.division.name }).sorted() {
            try fm.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        final class Tally: @unchecked Sendable {
            let lock = NSLock(); var bytes = 0; var done = 0; var error: Error?
        }
        let tally = Tally()
        let chunk = 64
        let chunks = (chosen.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var bytes = 0
            for i in (c * chunk)..<min(chosen.count, (c + 1) * chunk) {
                let r = report(index: i, division: chosen[i].division, year: chosen[i].year)
                let ok = fm.createFile(atPath: folder + "/" + r.path, contents: Data(r.bytes))
                if !ok {
                    tally.lock.lock(); tally.error = tally.error ?? CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder + "/" + r.path]); tally.lock.unlock()
                }
                bytes += r.bytes.count
            }
            tally.lock.lock()
            tally.bytes += bytes
            tally.done += min(chosen.count, (c + 1) * chunk) - c * chunk
            let done = tally.done
            tally.lock.unlock()
            progress?(done, chosen.count)
        }
        if let error = tally.error { throw error }
        return tally.bytes
    }
}
