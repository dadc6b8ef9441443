import FazhiModel

extension SitePages {
    // MARK: - Localities

    func localitiesIndex() -> [UInt8] {
        let m = model
        // Province → prefecture → localities (indices), in adcode order, each group grown in place.
        var provinces: [(name: String, groups: [(name: String, members: [Int])])] = []
        for (li, l) in m.localities.enumerated() {
            let prov = l.province.isEmpty ? "（未注明省份）" : l.province
            let pref = l.prefecture.isEmpty ? (l.level == .province ? "省级" : "直辖") : l.prefecture
            if provinces.last?.name != prov { provinces.append((prov, [])) }
            let p = provinces.count - 1
            if let gi = provinces[p].groups.firstIndex(where: { $0.name == pref }) {
                provinces[p].groups[gi].members.append(li)
            } else {
                provinces[p].groups.append((pref, [li]))
            }
        }
        // Adcode order puts a province's prefectures together, but a province could recur if names vary: merge.
        var merged: [(name: String, groups: [(name: String, members: [Int])])] = []
        for p in provinces {
            if let i = merged.firstIndex(where: { $0.name == p.name }) { merged[i].groups += p.groups } else { merged.append(p) }
        }
        let ctx: [String: Any] = [
            "count": m.localities.count,
            "provinces": merged.map { p -> [String: Any] in
                ["name": p.name, "count": p.groups.reduce(0) { $0 + $1.members.count },
                 "prefectures": p.groups.map { g -> [String: Any] in ["name": g.name, "localities": g.members.map { localityLink(m.localities[$0]) }] }]
            },
        ]
        return page("localities", title: "地区", section: .localities, crumbs: [("地区", nil)], path: "localities/index.html", ctx)
    }

    /// Indicators (rows) × years (columns), with a change column after each year but the first. `forCSV`: the
    /// table made for its CSV only, whose cells need their CSV text alone (see `valueCell`).
    func localityTable(_ l: Locality, forCSV: Bool = false) -> DataTable {
        let m = model
        let obs = m.observationsByLocality[l.adcode] ?? []
        let years = Set(obs.map(\.year)).sorted()
        var columns: [DataTable.Column] = [.init("指标", csv: "indicator_name")]
        for (k, y) in years.enumerated() {
            columns.append(.init("\(y)年", numeric: true, csv: "\(y)"))
            if k > 0 { columns.append(.init("较上年", numeric: true, csv: "change_\(years[k - 1])_\(y)")) }
        }
        var rows: [[DataTable.Cell]] = []
        let byIndicator = Dictionary(grouping: obs) { $0.value.indicator } // in the observations' order, as a filter keeps it
        for id in m.indicatorsWithData {
            guard let mine = byIndicator[id], let d = m.catalog.indicator(id) else { continue }
            var row: [DataTable.Cell] = [forCSV ? DataTable.Cell(d.name)
                                         : DataTable.Cell(d.name, href: m.indicatorURL(id), title: d.description.isEmpty ? nil : d.description, csv: d.name)]
            var prev: Observation? = nil
            for (k, y) in years.enumerated() {
                let o = mine.first { $0.year == y }
                row.append(valueCell(o, forCSV: forCSV))
                if k > 0 {
                    if let a = prev, let b = o, a.value.unit == b.value.unit {
                        // Rounded as shown, so the sort key is 1.8, not the binary difference 1.7999999999999972.
                        let delta = NumberFormat.plain(((b.value.value - a.value.value) * 10000).rounded() / 10000)
                        if forCSV {
                            row.append(DataTable.Cell(delta))
                        } else {
                            let ch = NumberFormat.change(from: a.value.value, to: b.value.value)
                            let text = ch.absolute + (ch.relative.map { "（\($0)）" } ?? "")
                            let approx = a.value.qualifier != .exact || b.value.qualifier != .exact
                            row.append(DataTable.Cell(text, title: approx ? "含约数或下限，变化仅供参考" : "与\(a.year)年相比",
                                                      sort: delta, csv: delta,
                                                      cssClass: b.value.value > a.value.value ? "up" : (b.value.value < a.value.value ? "down" : nil)))
                        }
                    } else {
                        row.append(.missingValue)
                    }
                }
                if o != nil { prev = o }
            }
            rows.append(row)
        }
        return DataTable(id: "indicators-by-year", caption: "\(l.name)各年度指标", csvHref: base.url("data/localities/\(l.adcode).csv"),
                         columns: columns, rows: rows, note: "“较上年”与上一个有数据的年度相比。")
    }

    func locality(_ index: Int) -> [UInt8] {
        let m = model
        let l = m.localities[index]
        let table = localityTable(l)
        let obs = m.observationsByLocality[l.adcode] ?? []
        var charts: [[String: Any]] = []
        let byIndicator = Dictionary(grouping: obs) { $0.value.indicator }
        for id in m.indicatorsWithData {
            guard let mine = byIndicator[id], mine.count >= 2, let d = m.catalog.indicator(id) else { continue }
            let pts = mine.map { Charts.Point(label: "\($0.year)", value: $0.value.value, shown: m.shown($0.value), href: m.sourceURL($0)) }
            let title = "\(l.name)\(d.name)（\(d.unit.isEmpty ? mine[0].value.unit : d.unit)）：\(mine.first!.year)–\(mine.last!.year)年"
            charts.append(["title": title, "svg": Charts.trend(title: title, points: pts), "href": m.indicatorURL(id)])
        }
        var byYear: [(Int?, [Int])] = []
        for i in l.reports {
            let y = m.reports[i].year
            if byYear.last.map({ $0.0 == y }) == true { byYear[byYear.count - 1].1.append(i) } else { byYear.append((y, [i])) }
        }
        var ctx: [String: Any] = [
            "locality": localityLink(l), "province": opt(l.province), "prefecture": opt(l.prefecture),
            "years": byYear.reversed().map { ["year": $0.0.map { "\($0)年" } ?? "年度不详", "reports": $0.1.map { reportLink($0) }] as [String: Any] },
            "table": table.context, "has_table": !table.rows.isEmpty, "charts": charts, "has_charts": !charts.isEmpty,
        ]
        // Neighbours in the same prefecture.
        let same = m.neighbours(of: l)
        ctx["neighbours"] = same.map { localityLink($0) }
        ctx["has_neighbours"] = !same.isEmpty
        return page("locality", title: l.name, section: .localities, crumbs: [("地区", base.url("localities/")), (m.fullName(l), nil)],
                    path: "localities/\(l.adcode)/index.html", description: "\(m.fullName(l))法治政府建设年度报告与指标", ctx)
    }

    // MARK: - Years

    func yearsIndex() -> [UInt8] {
        let m = model
        let ctx: [String: Any] = ["years": m.years.reversed().map { y -> [String: Any] in
            let idx = m.reportsByYear[y] ?? []
            return ["year": String(y), "href": m.yearURL(y), "count": idx.count,
                    "localities": Set(idx.map { m.reports[$0].adcode }).count]
        }]
        return page("years", title: "年度", section: .years, crumbs: [("年度", nil)], path: "years/index.html", ctx)
    }

    /// Key indicators of a year (catalog `key: true`; all indicators with data when none is marked).
    func keyIndicators() -> [IndicatorDefinition] {
        let keys = model.catalog.indicators.filter(\.key)
        return keys.isEmpty ? model.catalog.indicators : keys
    }

    func yearTable(_ y: Int, forCSV: Bool = false) -> DataTable {
        let m = model
        let inds = keyIndicators().filter { m.hasObservations($0.id, year: y) }
        let locs = Set((m.reportsByYear[y] ?? []).map { m.reports[$0].adcode }).sorted().compactMap { m.locality($0) }
        var columns: [DataTable.Column] = [.init("地区", csv: "locality"), .init("省份", csv: "province"), .init("行政区划代码", csv: "adcode")]
        columns += inds.map { .init($0.name + ($0.unit.isEmpty ? "" : "（\($0.unit)）"), numeric: true, csv: $0.id) }
        let values = inds.map { m.observationColumn($0.id) }
        let rows: [[DataTable.Cell]] = locs.map { l in
            let key = SiteModel.observationKey(adcode: l.adcode, year: y)
            return [localityCell(l, forCSV: forCSV), DataTable.Cell(l.province), DataTable.Cell(l.adcode)]
                + values.map { valueCell(key.flatMap($0.find), forCSV: forCSV) }
        }
        return DataTable(id: "key-indicators", caption: "\(y)年各地区主要指标", csvHref: base.url("data/years/\(y).csv"),
                         columns: columns, rows: rows)
    }

    func year(_ y: Int) -> [UInt8] {
        let m = model
        let idx = (m.reportsByYear[y] ?? []).sorted { a, b in
            let ra = m.reports[a], rb = m.reports[b]
            return ra.adcode != rb.adcode ? ra.adcode < rb.adcode : ra.id < rb.id
        }
        let table = yearTable(y)
        var ctx: [String: Any] = ["year": String(y), "reports": idx.map { reportLink($0) }, "count": idx.count,
                                  "table": table.context, "has_table": table.columns.count > 3]
        ctx["prev"] = m.years.last(where: { $0 < y }).map { ["year": String($0), "href": m.yearURL($0)] as Any } ?? false
        ctx["next"] = m.years.first(where: { $0 > y }).map { ["year": String($0), "href": m.yearURL($0)] as Any } ?? false
        return page("year", title: "\(y)年度报告", section: .years, crumbs: [("年度", base.url("years/")), ("\(y)年", nil)],
                    path: "years/\(y)/index.html", description: "\(y)年度法治政府建设报告与各地区主要指标对比", ctx)
    }

    // MARK: - Themes

    func themesIndex() -> [UInt8] {
        let m = model
        let ctx: [String: Any] = ["themes": m.catalog.themes.map { t -> [String: Any] in
            let inds = m.catalog.indicators.filter { $0.theme == t.id }
            return ["name": t.name, "href": m.themeURL(t.id), "description": opt(t.description), "indicators": inds.map { indicatorLink($0) },
                    "indicator_count": inds.count, "passages": m.themePassageTotals[t.id] ?? 0]
        }]
        return page("themes", title: "主题", section: .themes, crumbs: [("主题", nil)], path: "themes/index.html", ctx)
    }

    func themeTable(_ t: Theme, year y: Int, forCSV: Bool = false) -> DataTable {
        let m = model
        let inds = m.catalog.indicators.filter { $0.theme == t.id && m.hasObservations($0.id, year: y) }
        let locs = themeLocalities(t, year: y)
        var columns: [DataTable.Column] = [.init("地区", csv: "locality"), .init("省份", csv: "province"), .init("行政区划代码", csv: "adcode")]
        columns += inds.map { .init($0.name + ($0.unit.isEmpty ? "" : "（\($0.unit)）"), numeric: true, csv: $0.id) }
        let values = inds.map { m.observationColumn($0.id) }
        let rows: [[DataTable.Cell]] = locs.map { l in
            let key = SiteModel.observationKey(adcode: l.adcode, year: y)
            return [localityCell(l, forCSV: forCSV), DataTable.Cell(l.province), DataTable.Cell(l.adcode)]
                + values.map { valueCell(key.flatMap($0.find), forCSV: forCSV) }
        }
        return DataTable(id: "compare-\(y)", caption: "\(y)年 · \(t.name)：各地区对比", csvHref: base.url("data/themes/\(t.id)/\(y).csv"),
                         columns: columns, rows: rows)
    }

    /// A theme's overview: its indicators, and one line per year linking to that year's page. The comparison
    /// tables and passages are on the year pages (`themeYear`), so no theme page grows with the whole corpus.
    func theme(_ t: Theme) -> [UInt8] {
        let m = model
        let inds = m.catalog.indicators.filter { $0.theme == t.id }
        let dataYears = Set(themeYears(t))
        // Per year, in one pass each (as themeLocalities(t, year:).count and themePassages(t, year:) count them):
        // the localities with a value of one of the theme's indicators, and the passages classified under it.
        var codesByYear: [Int: Set<String>] = [:]
        for d in inds { for o in m.observations[d.id] ?? [] where m.localityIndex[o.adcode] != nil { codesByYear[o.year, default: []].insert(o.adcode) } }
        let passagesByYear = m.themePassageCounts[t.id] ?? [:]
        let years = themePageYears(t).reversed().map { y -> [String: Any] in
            ["year": String(y), "href": m.themeYearURL(t.id, y), "localities": dataYears.contains(y) ? codesByYear[y]?.count ?? 0 : 0,
             "passages": passagesByYear[y] ?? 0]
        }
        let ctx: [String: Any] = [
            "name": t.name, "description": opt(t.description), "keywords": t.keywords.joined(separator: "、"), "has_keywords": !t.keywords.isEmpty,
            "indicators": inds.map { indicatorLink($0) }, "has_indicators": !inds.isEmpty,
            "years": years, "has_years": !years.isEmpty,
        ]
        return page("theme", title: t.name, section: .themes, crumbs: [("主题", base.url("themes/")), (t.name, nil)],
                    path: "themes/\(t.id)/index.html", description: t.description.isEmpty ? nil : t.description, ctx)
    }

    /// Years with a page for the theme: those with values of its indicators or passages classified under it.
    func themePageYears(_ t: Theme) -> [Int] {
        Set(themeYears(t)).union((model.themePassageCounts[t.id] ?? [:]).keys).sorted()
    }

    /// Localities with a value of one of the theme's indicators in the year, by code.
    func themeLocalities(_ t: Theme, year y: Int) -> [Locality] {
        let m = model
        // By the observations' keys (six-digit codes as numbers sort as the codes do): no code string is hashed.
        var codes: [Int: String] = [:]
        for d in m.catalog.indicators where d.theme == t.id {
            let column = m.observationColumn(d.id)
            for (k, key) in column.keys.enumerated() where key.year == y && codes[key.code] == nil { codes[key.code] = column.observations[k].adcode }
        }
        return codes.keys.sorted().compactMap { m.locality(codes[$0]!) }
    }

    /// Sections of the year's reports classified under the theme, by report (by locality code, then id).
    func themePassages(_ t: Theme, year y: Int) -> [(report: Int, sections: [SectionInfo])] {
        model.themePassages[t.id]?[y] ?? []
    }

    /// One year of a theme: the comparison table of its indicators across localities, and the passages.
    /// `years` are the theme's page years (`themePageYears`, for prev/next); `hasData`: the year is one of
    /// `themeYears` (both computed once per theme by the page list).
    func themeYear(_ t: Theme, year y: Int, years: [Int], hasData: Bool) -> [UInt8] {
        let m = model
        let passages = themePassages(t, year: y).map { p -> [String: Any] in
            var d = reportLink(p.report)
            let r = m.reports[p.report]
            d["sections"] = p.sections.map { ["heading": $0.heading, "href": m.reportURL(r.id, anchor: $0.anchor), "part": Self.partName($0.part)] as [String: Any] }
            return d
        }
        var ctx: [String: Any] = [
            "name": t.name, "year": String(y), "theme_href": m.themeURL(t.id),
            "table": hasData ? themeTable(t, year: y).context : false, "has_table": hasData,
            "passages": passages, "has_passages": !passages.isEmpty,
            "passage_count": passages.reduce(0) { $0 + (($1["sections"] as? [Any])?.count ?? 0) },
        ]
        ctx["prev"] = years.last(where: { $0 < y }).map { ["year": String($0), "href": m.themeYearURL(t.id, $0)] as Any } ?? false
        ctx["next"] = years.first(where: { $0 > y }).map { ["year": String($0), "href": m.themeYearURL(t.id, $0)] as Any } ?? false
        return page("theme-year", title: "\(y)年 · \(t.name)", section: .themes,
                    crumbs: [("主题", base.url("themes/")), (t.name, m.themeURL(t.id)), ("\(y)年", nil)],
                    path: "themes/\(t.id)/\(y)/index.html", description: "\(y)年各地区\(t.name)对比与报告段落", ctx)
    }

    // MARK: - Indicators

    func indicatorsIndex() -> [UInt8] {
        let m = model
        let ctx: [String: Any] = ["themes": m.catalog.themes.compactMap { t -> [String: Any]? in
            let inds = m.catalog.indicators.filter { $0.theme == t.id }
            guard !inds.isEmpty else { return nil }
            return ["name": t.name, "href": m.themeURL(t.id), "indicators": inds.map { indicatorLink($0) }]
        }]
        return page("indicators", title: "指标", section: .indicators, crumbs: [("指标", nil)], path: "indicators/index.html", ctx)
    }

    /// An indicator's locality × year matrix in one province (its page's table): the province's localities with a
    /// value, the years with one, and each locality's observation in each of those years. The observations are
    /// sorted by code, then year, and a province's codes share their first two digits: its observations are one
    /// run of them, found by binary search, and each locality's observations one run of that, found by moving on
    /// (the province pages of an indicator each looked through all its observations, by a dictionary of codes).
    func indicatorMatrix(_ d: IndicatorDefinition, province: ProvinceGroup) -> (localities: [Locality], years: [Int], rows: [[Observation?]]) {
        let m = model
        let obs = m.observations[d.id] ?? [], keys = m.observationKeys[d.id] ?? []
        let first = Int(province.code) ?? 0
        func start(_ code: Int) -> Int {
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid].code < code { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let run = start(first)..<start(first + 10_000)
        let years = Set(keys[run].map(\.year)).sorted()
        var k = run.lowerBound
        let localities = province.members.map { m.localities[$0] }
        let rows: [[Observation?]] = localities.map { l in
            let code = Int(l.adcode) ?? -1
            while k < run.upperBound, keys[k].code < code { k += 1 }
            return years.map { y in
                while k < run.upperBound, keys[k].code == code, keys[k].year < y { k += 1 }
                return k < run.upperBound && keys[k].code == code && keys[k].year == y ? obs[k] : nil
            }
        }
        return (localities, years, rows)
    }

    /// A province's matrix as a table, with links to each value's sentence.
    func indicatorTable(_ d: IndicatorDefinition, province: ProvinceGroup) -> DataTable {
        let (locs, years, matrix) = indicatorMatrix(d, province: province)
        let rows: [[DataTable.Cell]] = zip(locs, matrix).map { l, row in
            [localityCell(l), DataTable.Cell(l.province), DataTable.Cell(l.adcode)] + row.map { valueCell($0) }
        }
        return DataTable(id: "by-locality", caption: "\(d.name)：\(province.name)各地区各年度", csvHref: base.url("data/indicators/\(d.id).csv"),
                         columns: Self.indicatorColumns(years), rows: rows, note: "≥ 表示原文为“余”“多”“以上”等下限，约 表示约数，≤ 表示上限；— 表示该报告未给出。")
    }

    static func indicatorColumns(_ years: [Int]) -> [DataTable.Column] {
        [.init("地区", csv: "locality"), .init("省份", csv: "province"), .init("行政区划代码", csv: "adcode")]
            + years.map { .init("\($0)年", numeric: true, csv: "\($0)") }
    }

    /// `data/indicators/<id>.csv`: the national matrix, written as `DataTable.csv` writes a table (locality,
    /// province, code, then each year's value) but straight from the matrix, without a table of cells (24 of
    /// them are rewritten when one report is added).
    func indicatorCSV(_ d: IndicatorDefinition) -> [UInt8] {
        // The national matrix, written as it is walked: the localities with a value are in code order, as the
        // observations are (by code, then year), so each locality's run is found by moving on, not by a lookup.
        let m = model
        let numbers = m.observationNumbers[d.id] ?? [], keys = m.observationKeys[d.id] ?? []
        let years = m.observationYears[d.id] ?? []
        var out = DataTable.csvHeader(Self.indicatorColumns(years))
        var k = 0
        for li in m.observationLocalities[d.id] ?? [] {
            let l = m.localities[li]
            Escape.appendCSV(l.name, to: &out)
            out.append(UInt8(ascii: ",")); Escape.appendCSV(l.province, to: &out)
            out.append(UInt8(ascii: ",")); Escape.appendCSV(l.adcode, to: &out)
            let code = Int(l.adcode) ?? -1
            while k < keys.count, keys[k].code < code { k += 1 }
            for y in years {
                out.append(UInt8(ascii: ","))
                while k < keys.count, keys[k].code == code, keys[k].year < y { k += 1 }
                if k < keys.count, keys[k].code == code, keys[k].year == y {
                    NumberFormat.appendPlain(numbers[k], to: &out) // (a number never needs quotes)
                }
            }
            out.append(0x0D); out.append(0x0A)
        }
        return out
    }

    /// The localities with a value of an indicator in one province.
    struct ProvinceGroup: Sendable {
        /// The province's division code: the locality codes' first two digits and `0000`.
        var code: String
        var name: String
        /// Its localities with a value, as indices into the model's localities (in code order): the page list makes
        /// the groups of every indicator, and copies of the localities were megabytes of it.
        var members: [Int]
    }

    /// An indicator's localities with values, grouped by province in code order. Each group's matrix has its
    /// own page (`indicators/<id>/<province code>/`): a national matrix grows with the corpus (megabytes at
    /// 5,000 reports), and a new report re-renders only its province's page.
    func provinceGroups(_ d: IndicatorDefinition) -> [ProvinceGroup] {
        var groups: [ProvinceGroup] = []
        for li in model.observationLocalities[d.id] ?? [] {
            let p = SiteModel.provinceCode(of: model.localities[li].adcode)
            if groups.last?.code == p { groups[groups.count - 1].members.append(li); continue }
            let l = model.localities[li]
            groups.append(ProvinceGroup(code: p, name: l.province.isEmpty ? l.name : l.province, members: [li]))
        }
        return groups
    }

    func indicatorProvince(_ d: IndicatorDefinition, _ g: ProvinceGroup) -> [UInt8] {
        let m = model
        let table = indicatorTable(d, province: g)
        let ctx: [String: Any] = [
            "name": d.name, "id": d.id, "unit": opt(d.unit), "province": g.name, "indicator_href": m.indicatorURL(d.id),
            "table": table.context, "locality_count": g.members.count,
        ]
        return page("indicator-province", title: "\(d.name) · \(g.name)", section: .indicators,
                    crumbs: [("指标", base.url("indicators/")), (m.themeName(d.theme), m.themeURL(d.theme)), (d.name, m.indicatorURL(d.id)), (g.name, nil)],
                    path: "indicators/\(d.id)/\(g.code)/index.html", description: nil, ctx)
    }

    func indicator(_ d: IndicatorDefinition, provinces: [ProvinceGroup]) -> [UInt8] {
        let m = model
        let obs = m.observations[d.id] ?? []
        let years = m.observationYears[d.id] ?? []
        var valuesIn: [String: Int] = [:]
        for o in obs { valuesIn[SiteModel.provinceCode(of: o.adcode), default: 0] += 1 }
        let provinceRows: [[DataTable.Cell]] = provinces.map { g in
            let n = valuesIn[g.code] ?? 0
            return [DataTable.Cell(g.name, href: m.indicatorURL(d.id) + g.code + "/"),
                    DataTable.Cell(String(g.members.count), sort: String(g.members.count)), DataTable.Cell(String(n), sort: String(n))]
        }
        let table = DataTable(id: "by-province", caption: "\(d.name)：各省份", csvHref: base.url("data/indicators/\(d.id).csv"),
                              columns: [.init("省份"), .init("地区数", numeric: true), .init("数值数", numeric: true)], rows: provinceRows,
                              note: "点省份名，看该省各地区各年度的数值。")
        let limit = 30
        // Each year's observations, ranked largest value first, then by code: sorted as plain numbers (value, code
        // as a number, which orders six-digit codes as the strings do, position), grouped by year in one pass.
        let keys = m.observationKeys[d.id] ?? [], numbers = m.observationNumbers[d.id] ?? []
        var byYear: [Int: [(value: Double, code: Int, at: Int)]] = [:]
        for (k, key) in keys.enumerated() { byYear[key.year, default: []].append((numbers[k], key.code, k)) }
        var rankings: [[String: Any]] = []
        for y in years.reversed() {
            var order = byYear[y] ?? []
            order.sort { $0.value != $1.value ? $0.value > $1.value : $0.code < $1.code }
            let ranked = order.prefix(limit).map { obs[$0.at] } // the top `limit`
            var rank = 0, lastValue: Double? = nil
            var rows: [[DataTable.Cell]] = []
            for (k, o) in ranked.enumerated() {
                if o.value.value != lastValue { rank = k + 1; lastValue = o.value.value }
                guard let l = m.locality(o.adcode) else { continue }
                rows.append([localityCell(l), DataTable.Cell(String(rank), sort: String(rank)), DataTable.Cell(l.province), valueCell(o)])
            }
            let t = DataTable(id: "rank-\(y)", caption: "\(y)年排名" + (order.count > limit ? "（前\(limit)名，共\(order.count)个地区）" : ""),
                              columns: [.init("地区"), .init("名次", numeric: true), .init("省份"), .init("数值", numeric: true)], rows: rows)
            let pts = ranked.compactMap { o -> Charts.Point? in
                guard let l = m.locality(o.adcode) else { return nil }
                return Charts.Point(label: l.name, value: o.value.value, shown: m.shown(o.value), href: m.sourceURL(o))
            }
            let title = "\(y)年\(d.name)排名"
            rankings.append(["year": String(y), "table": t.context, "svg": Charts.bars(title: title, points: pts)])
        }
        let siblings = m.catalog.indicators.filter { $0.theme == d.theme && $0.id != d.id }.map { indicatorLink($0) }
        let ctx: [String: Any] = [
            "name": d.name, "id": d.id, "unit": opt(d.unit), "description": opt(d.description), "has_description": !d.description.isEmpty,
            "theme": m.themeName(d.theme), "theme_href": m.themeURL(d.theme), "key": d.key,
            "table": table.context, "has_values": !obs.isEmpty, "rankings": rankings,
            "value_count": obs.count, "locality_count": m.localityCount[d.id] ?? 0,
            "siblings": siblings, "has_siblings": !siblings.isEmpty,
        ]
        return page("indicator", title: d.name, section: .indicators,
                    crumbs: [("指标", base.url("indicators/")), (m.themeName(d.theme), m.themeURL(d.theme)), (d.name, nil)],
                    path: "indicators/\(d.id)/index.html", description: d.description.isEmpty ? nil : d.description, ctx)
    }
}
