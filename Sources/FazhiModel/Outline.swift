/// A report's text after decoding and cleaning: headings and paragraphs of plain (unescaped) text.
/// This is what convert hands to fact extraction, and what the Markdown writer writes.
public struct OutlineBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// 一、 → 2, (一) → 3, 1. → 4.
        case heading(level: Int)
        case paragraph
    }
    public var kind: Kind
    /// Plain text, one line, not escaped.
    public var text: String
    /// 1-based line of the input file this block came from (0 when unknown).
    public var sourceLine: Int

    public init(kind: Kind, text: String, sourceLine: Int = 0) {
        self.kind = kind; self.text = text; self.sourceLine = sourceLine
    }

    public var isHeading: Bool { if case .heading = kind { return true } else { return false } }
}

/// Where, in a block's text, an anchored sentence starts: the Markdown writer puts `{#id}` there.
public struct SentenceAnchor: Sendable, Equatable {
    /// Index into the blocks.
    public var block: Int
    /// UTF-8 byte offset into the block's text where the sentence starts.
    public var utf8Offset: Int
    public var id: String

    public init(block: Int, utf8Offset: Int, id: String) {
        self.block = block; self.utf8Offset = utf8Offset; self.id = id
    }
}

/// What fact extraction finds in a report's blocks.
public struct Extraction: Sendable, Equatable {
    /// One per heading block, in order; anchors are `Anchors.headingID(index:)` of the heading's 1-based rank.
    public var sections: [SectionInfo] = []
    public var facts: [Fact] = []
    public var indicators: [IndicatorValue] = []
    public var sentenceAnchors: [SentenceAnchor] = []
    public var warnings: [String] = []
    public init() {}
}
