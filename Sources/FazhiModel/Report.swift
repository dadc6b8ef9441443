/// The metadata of one report: the YAML front matter of its Markdown file.
/// Field names here are the public, documented format (README, "Front matter").
public struct ReportFrontMatter: Sendable, Equatable {
    /// ASCII, stable, unique: `<adcode>-<year>` plus a suffix (`-d1`… department report, `-2`… second report).
    public var id: String = ""
    public var title: String = ""
    /// The year reported on (from the title), not the publication year.
    public var year: Int?
    /// Publication date, ISO `YYYY-MM-DD`.
    public var published: String = ""
    /// Issuing body, e.g. 天门市司法局.
    public var publisher: String = ""
    public var indexNumber: String = ""
    public var docNumber: String = ""
    public var kind: ReportKind?
    /// Official name of the locality, e.g. 武冈市.
    public var locality: String = ""
    /// Prefecture-level parent, e.g. 邵阳市; empty when none.
    public var prefecture: String = ""
    public var province: String = ""
    /// 6-digit administrative division code.
    public var adcode: String = ""
    public var level: DivisionLevel?
    /// The input path, relative to the project (e.g. `content/reports/….txt`).
    public var source: String = ""
    public var sourceSHA256: String = ""
    /// Version of the converter that wrote this file; a newer converter re-converts.
    public var converter: Int = 0
    /// A person edited this file: convert never overwrites it.
    public var locked: Bool = false
    /// Things a person should check.
    public var warnings: [String] = []
    /// Each section (heading) of the body, its part of the report and the themes it speaks to.
    public var sections: [SectionInfo] = []
    /// Every quantity found in the text.
    public var facts: [Fact] = []
    /// Facts matched to catalog indicators: at most one value per indicator.
    public var indicators: [IndicatorValue] = []

    public init() {}
}

public enum ReportKind: String, Sendable, CaseIterable {
    case government, department
}

public enum DivisionLevel: String, Sendable, CaseIterable {
    case province, prefecture, county
}

/// The five parts the rules prescribe; numbers in `plan` are targets, not results.
public enum ReportPart: String, Sendable, CaseIterable {
    case results, shortcomings, duties, plan, other
}

public enum Qualifier: String, Sendable, CaseIterable {
    /// A plain figure.
    case exact
    /// 余/多/以上/超过: a lower bound.
    case atLeast = "at_least"
    /// 约/近/左右: approximate.
    case about
    /// 不到/以下/低于: an upper bound.
    case atMost = "at_most"
}

public struct SectionInfo: Sendable, Equatable {
    /// The heading's anchor in the body (`h-3`).
    public var anchor: String
    public var heading: String
    public var level: Int
    public var part: ReportPart
    /// Theme ids from the catalog.
    public var themes: [String]

    public init(anchor: String, heading: String, level: Int, part: ReportPart, themes: [String]) {
        self.anchor = anchor; self.heading = heading; self.level = level; self.part = part; self.themes = themes
    }
}

/// One quantity in the text, with where it stands.
public struct Fact: Sendable, Equatable {
    public var value: Double
    public var unit: String
    public var qualifier: Qualifier
    /// The number as written, with its unit and qualifier (e.g. `400余次`).
    public var text: String
    /// The phrase it counts, e.g. 审结行政复议申请.
    public var subject: String
    public var part: ReportPart
    /// Heading path, outermost first.
    public var section: [String]
    /// Anchor id of the sentence in the body (`s-1a2b3c4d`).
    public var anchor: String
    /// The exact sentence, as in the body (unescaped).
    public var sentence: String

    public init(value: Double, unit: String, qualifier: Qualifier, text: String, subject: String,
                part: ReportPart, section: [String], anchor: String, sentence: String) {
        self.value = value; self.unit = unit; self.qualifier = qualifier; self.text = text
        self.subject = subject; self.part = part; self.section = section; self.anchor = anchor
        self.sentence = sentence
    }
}

/// A fact matched to a catalog indicator. Immutable, and a class: the site's tables copy each value into several
/// lists (by indicator, by locality, a table's column), and a copy of a class is one reference count where a
/// struct of five strings and an array was five.
public final class IndicatorValue: Sendable, Equatable {
    /// Catalog id of the indicator.
    public let indicator: String
    public let value: Double
    public let unit: String
    public let qualifier: Qualifier
    public let anchor: String
    /// 0…1.
    public let confidence: Double
    /// Which rule matched (a phrasing from the catalog, or `manual` for a person's correction).
    public let rule: String
    /// Other facts that competed for this indicator and lost: their anchors and values, for review.
    public let alternatives: [Alternative]

    public static func == (a: IndicatorValue, b: IndicatorValue) -> Bool {
        a.indicator == b.indicator && a.value == b.value && a.unit == b.unit && a.qualifier == b.qualifier
            && a.anchor == b.anchor && a.confidence == b.confidence && a.rule == b.rule && a.alternatives == b.alternatives
    }

    public struct Alternative: Sendable, Equatable {
        public var value: Double
        public var anchor: String
        public init(value: Double, anchor: String) { self.value = value; self.anchor = anchor }
    }

    public init(indicator: String, value: Double, unit: String, qualifier: Qualifier, anchor: String,
                confidence: Double, rule: String, alternatives: [Alternative] = []) {
        self.indicator = indicator; self.value = value; self.unit = unit; self.qualifier = qualifier
        self.anchor = anchor; self.confidence = confidence; self.rule = rule; self.alternatives = alternatives
    }
}

/// A Markdown report file: front matter and body.
public struct ReportDocument: Sendable, Equatable {
    public var frontMatter: ReportFrontMatter
    /// CommonMark body, with anchor markers (see `AnchorMarkers`).
    public var body: String

    public init(frontMatter: ReportFrontMatter, body: String) {
        self.frontMatter = frontMatter; self.body = body
    }
}
