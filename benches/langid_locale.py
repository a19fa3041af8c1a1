#!/usr/bin/env python3
"""Language-ID check on UI strings: the gettext catalogs installed on this machine.

A third source beside the dev sets and the bench corpus: every translated
message of `/usr/share/locale/<lang>/LC_MESSAGES/*.mo` (Debian's packages:
coreutils, apt, dpkg, gettext…), one line each, in `OUT/<lang>.txt`, for
`korpus eval langid OUT`. Placeholders (`%s`, `{name}`), markup and
accelerator marks are blanked; lines with fewer than 8 letters are left out;
duplicates are dropped.

    python3 benches/langid_locale.py /tmp/uicheck
    korpus eval langid /tmp/uicheck

UI strings are short and some catalogs keep English strings untranslated, so
the accuracies are far below the dev sentences'; compare two detectors on the
same folder. Which catalogs exist depends on the packages installed, so the
counts differ from machine to machine.
"""

import gettext
import glob
import os
import re
import sys

LANGS = ["ar", "de", "fa", "ru", "sl", "bg", "bs", "cs", "hr", "sk", "sr", "uk", "nl", "ur"]
NOISE = re.compile(r"%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|[_&]")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: langid_locale.py OUT_DIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for lang in LANGS:
        lines = set()
        for mo in sorted(glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo")):
            try:
                with open(mo, "rb") as f:
                    catalog = gettext.GNUTranslations(f)._catalog
            except (OSError, ValueError, UnicodeDecodeError):
                continue
            for msg in catalog.values():
                if not isinstance(msg, str):
                    continue
                for line in msg.split("\n"):
                    text = " ".join(NOISE.sub(" ", line).split())
                    if sum(c.isalpha() for c in text) >= 8:
                        lines.add(text)
        if not lines:
            continue
        with open(os.path.join(out, f"{lang}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(lines)) + "\n")
        print(f"{lang}: {len(lines)} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
