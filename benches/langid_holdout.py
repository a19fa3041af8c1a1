#!/usr/bin/env python3
"""Language-ID check on text from other sources than the dev sets.

Builds `korpus eval langid` input from a corpus made by
`../shared/bench/generate.py` (its `manifest.jsonl` says each document's
language): for every single-language UTF-8 document, one line with its text
(whitespace collapsed, first 2,000 characters) in `OUT/docs/<lang>.txt`, and
every distinct paragraph of at least 3 characters in `OUT/paras/<lang>.txt`.

    python3 benches/langid_holdout.py /tmp/bench50 /tmp/holdout
    korpus eval langid /tmp/holdout/docs
    korpus eval langid /tmp/holdout/paras

Paragraphs of the generated corpus include lines in no target language (code,
English UI strings, names), so their accuracy is well below the documents';
compare two detectors on the same folder, not with the dev figures.
"""

import collections
import json
import os
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: langid_holdout.py CORPUS_DIR OUT_DIR", file=sys.stderr)
        return 2
    corpus, out = sys.argv[1], sys.argv[2]
    manifest = os.path.join(corpus, "manifest.jsonl")
    if not os.path.exists(manifest):
        print(f"error: {manifest} not found (make the corpus with generate.py)", file=sys.stderr)
        return 1
    docs = collections.defaultdict(list)
    paras = collections.defaultdict(set)
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            if m.get("encoding") != "utf-8" or len(m.get("langs", [])) != 1:
                continue
            if m.get("kind") == "empty" or any("invalid" in n for n in m.get("noise", [])):
                continue
            try:
                with open(os.path.join(corpus, m["path"]), encoding="utf-8") as d:
                    text = d.read()
            except (OSError, UnicodeDecodeError, KeyError):
                continue
            lang = m["lang"]
            docs[lang].append(" ".join(text.split())[:2000])
            for p in text.split("\n"):
                p = " ".join(p.split())
                if len(p) >= 3:
                    paras[lang].add(p)
    for kind in ("docs", "paras"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    for lang in sorted(docs):
        with open(os.path.join(out, "docs", f"{lang}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(docs[lang]) + "\n")
        with open(os.path.join(out, "paras", f"{lang}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(paras[lang])) + "\n")
        print(f"{lang}: {len(docs[lang])} documents, {len(paras[lang])} paragraphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
