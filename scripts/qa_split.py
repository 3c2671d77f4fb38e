#!/usr/bin/env python3
"""Writes the part of a QA set (pairs.jsonl + labels.json) whose documents are in a range.

  qa_split.py --set ../shared/devdata/qa --first 0 --last 39 --out /tmp/qa-dev

The given set is split by document: qa-doc000…qa-doc039 is the development part the checks were
tuned on, qa-doc040…qa-doc061 the held-out part (see README, "Checking the memory").
"""
import argparse, json, os, re


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", required=True, help="folder with pairs.jsonl and labels.json")
    ap.add_argument("--first", type=int, required=True)
    ap.add_argument("--last", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    labels = json.load(open(os.path.join(a.set, "labels.json")))
    os.makedirs(a.out, exist_ok=True)
    kept = set()
    with open(os.path.join(a.out, "pairs.jsonl"), "w", encoding="utf-8") as out:
        for line in open(os.path.join(a.set, "pairs.jsonl"), encoding="utf-8"):
            if not line.strip():
                continue
            p = json.loads(line)
            n = int(re.search(r"(\d+)$", p["document"]).group(1))
            if a.first <= n <= a.last:
                out.write(line if line.endswith("\n") else line + "\n")
                kept.add(str(p["id"]))
    sub = {i: k for i, k in labels.items() if i in kept}
    json.dump(sub, open(os.path.join(a.out, "labels.json"), "w"), indent=1, sort_keys=True)
    print(f"{len(kept)} pairs, {len(sub)} damaged -> {a.out}")


if __name__ == "__main__":
    main()
