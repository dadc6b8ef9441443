import FazhiModel

/// Finds every quantity in a report's blocks and matches them to the catalog's indicators.
/// (Stub: the number grammar and catalog matching land with the indicators issue.)
public struct FactExtractor: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Reads the catalog file (themes, indicators and their matching rules).
    public init(catalogYAML: String, file: String) throws {
        self.catalog = try Catalog.load(yaml: catalogYAML, file: file)
    }

    public func extract(_ blocks: [OutlineBlock]) -> Extraction {
        Extraction()
    }
}
