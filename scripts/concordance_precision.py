#!/usr/bin/env python3
"""Precision of `bitext concordance` on 50 hand-checked queries of the development data.

Builds a memory of the 62 `clean` development documents (one sentence a line, as aligned by
`bitext align --lines`), runs `bitext concordance --json` for every query of
concordance-judgements.tsv and counts the occurrences found: precision is the share of them that
are the query word (with clitics, inflections or spelling variants) according to the hand checks.
A word found that has no hand check is listed, so that a change of the matching rules is checked
again before its figures are reported.

    python3 scripts/concordance_precision.py [--bitext target/release/bitext] [--db /tmp/x.db]
"""
import argparse, collections, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--bitext', default=os.path.join(ROOT, 'target/release/bitext'))
    ap.add_argument('--devdata', default=os.path.join(ROOT, '../shared/devdata/clean'))
    ap.add_argument('--db', help='reuse (or build) this memory instead of a temporary one')
    args = ap.parse_args()

    judged = collections.OrderedDict()
    for line in open(os.path.join(HERE, 'concordance-judgements.tsv'), encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        q, form, verdict = line.rstrip('\n').split('\t')
        judged.setdefault(q, {})[form] = verdict == '+'

    tmp = tempfile.TemporaryDirectory()
    db = args.db or os.path.join(tmp.name, 'dev.db')
    if not os.path.exists(db):
        for doc in sorted(os.listdir(args.devdata)):
            d = os.path.join(args.devdata, doc)
            subprocess.run([args.bitext, '--db', db, 'align', '--lines', '--name', doc,
                            os.path.join(d, 'ar.txt'), os.path.join(d, 'en.txt')],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    totals = {'ar': [0, 0], 'en': [0, 0]}
    unjudged = []
    for q, verdicts in judged.items():
        lang = 'en' if q.isascii() else 'ar'
        out = subprocess.run([args.bitext, '--db', db, 'concordance', '--json', '--limit', '100000', q],
                             check=True, capture_output=True, text=True).stdout
        for hit in json.loads(out):
            for occ in hit['occurrences']:
                form = occ['text']
                if form not in verdicts:
                    unjudged.append((q, form))
                    continue
                totals[lang][0] += verdicts[form]
                totals[lang][1] += 1
    for lang, (right, found) in totals.items():
        print(f'{lang}: {right} of {found} occurrences are the query word: precision {right / max(found, 1):.3f}')
    right = sum(t[0] for t in totals.values()); found = sum(t[1] for t in totals.values())
    print(f'all: {right} of {found}: precision {right / max(found, 1):.3f}')
    if unjudged:
        print(f'{len(unjudged)} occurrences of words without a hand check:', file=sys.stderr)
        for q, form in sorted(set(unjudged)):
            print(f'  {q}\t{form}', file=sys.stderr)
        sys.exit(1)

if __name__ == '__main__':
    main()
