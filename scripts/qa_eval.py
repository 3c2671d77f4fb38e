#!/usr/bin/env python3
"""Measures `bitext check` and translate-toolkit's `pofilter` on a QA set, in the same run.

  python3 scripts/qa_eval.py --set ../shared/devdata/qa --first 40 --last 61

Imports the set's pairs into a scratch memory, runs `bitext check --json` and scores the
findings with the set's `score_qa.py` on the documents qa-docFIRST...qa-docLAST; exports the same
memory as TMX, runs `pofilter` on it twice (its checks that fit these pairs:
numbers,unchanged,long,short,untranslated; then all its checks) and scores those with the same
scorer. Prints a Markdown table and, with --json, the scorer's figures. Needs `bitext` built
(--bitext, default target/release/bitext) and `pofilter` (pip install translate-toolkit).
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.join(HERE, "..", "..", "shared", "devdata", "qa", "score_qa.py")
RELEVANT = "numbers,unchanged,long,short,untranslated"
KINDS = ["number_mismatch", "untranslated", "omission", "misaligned", "name_mismatch"]


def part(set_dir, first, last, out):
    """The pairs and labels of documents first...last, as files the scorer reads."""
    labels = json.load(open(os.path.join(set_dir, "labels.json")))
    kept = set()
    with open(os.path.join(out, "pairs.jsonl"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(set_dir, "pairs.jsonl"), encoding="utf-8"):
            if line.strip():
                p = json.loads(line)
                n = int(re.search(r"(\d+)$", p["document"]).group(1))
                if first <= n <= last:
                    f.write(json.dumps(p, ensure_ascii=False) + "\n")
                    kept.add(str(p["id"]))
    json.dump({i: k for i, k in labels.items() if i in kept},
              open(os.path.join(out, "labels.json"), "w"))


def score(scorer, out, *args):
    cmd = [sys.executable, scorer, "--labels", os.path.join(out, "labels.json"),
           "--pairs", os.path.join(out, "pairs.jsonl"), *args]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", required=True, help="folder with pairs.jsonl and labels.json")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--last", type=int, default=999)
    ap.add_argument("--bitext", default=os.path.join(HERE, "..", "target", "release", "bitext"))
    ap.add_argument("--scorer", default=SCORER)
    ap.add_argument("--no-pofilter", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="qa-eval-")
    try:
        part(a.set, a.first, a.last, tmp)
        db = os.path.join(tmp, "memory.db")
        env = dict(os.environ, NO_COLOR="1")
        run([a.bitext, "--db", db, "import", os.path.join(a.set, "pairs.jsonl")], env=env)
        started = time.time()
        findings = run([a.bitext, "--db", db, "check", "--json"], env=env).stdout
        seconds = time.time() - started
        with open(os.path.join(tmp, "findings.json"), "w") as f:
            f.write(findings)
        results = {"bitext check": score(a.scorer, tmp, "--bitext",
                                         os.path.join(tmp, "findings.json"))}
        if not a.no_pofilter:
            tmx = os.path.join(tmp, "memory.tmx")
            run([a.bitext, "--db", db, "export", "-o", tmx], env=env)
            for name, tests in [(f"pofilter ({RELEVANT})", RELEVANT), ("pofilter (all checks)", None)]:
                out = os.path.join(tmp, "pofilter.tmx")
                cmd = ["pofilter", "--progress=none", "--language=en", "-i", tmx, "-o", out]
                if tests:
                    for t in tests.split(","):
                        cmd += ["-t", t]
                run(cmd)
                results[name] = score(a.scorer, tmp, "--pofilter", out)
        if a.json:
            print(json.dumps({"seconds": seconds, "results": results}, indent=1))
            return
        head = "| tool | " + " | ".join(KINDS) + " | all damaged | kind named | clean flagged |"
        print(head)
        print("|" + "---|" * (len(KINDS) + 4))
        for name, r in results.items():
            cells = [f"{r[k]['recall']:.2f}" if k in r else "-" for k in KINDS]
            flagged = sum(round(r[k]["recall"] * r[k]["n"]) for k in KINDS if k in r)
            named = sum(round(r[k]["kind_named"] * r[k]["n"]) for k in KINDS if k in r)
            share = f"{named / flagged:.2f}" if flagged else "-"
            print(f"| {name} | " + " | ".join(cells) +
                  f" | {r['all_damaged']['recall']:.2f} | {share} | "
                  f"{r['clean_flagged']['rate'] * 100:.1f} % ({r['clean_flagged']['flagged']}/{r['clean_flagged']['n']}) |")
        n = sum(v["n"] for k, v in results["bitext check"].items() if k in KINDS)
        print(f"\n{n} damaged pairs; bitext check took {seconds:.2f} s")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
