//! Where each byte of a document's text came from in its source file.
//!
//! A document's body is not always a verbatim copy of its source: a JSONL
//! record's text had its JSON escapes (`\n`, `\"`, `\u0645`) decoded, a CSV
//! field its quotes (`""`) undone, and every format its HTML entities
//! (`&amp;`) decoded and its Arabic presentation forms folded. To report a
//! match as `path:line:column` of the file a user can open, ingest keeps a
//! [`SourceMap`] with each document: a short list of [`Anchor`]s, one where
//! the body starts and one at each place the text was rewritten.
//!
//! While a record is read, its text is a [`Mapped`]: the text with
//! [`Piece`]s that point into a *frame* (the JSONL line, the CSV record, the
//! decoded text file), each rewrite composing its pieces with the earlier
//! ones ([`Mapped::rewrite`]). [`Mapped::finish`] turns the byte offsets into
//! the frame into lines and columns of the file.
//!
//! Columns count characters (Unicode scalar values) from 1, as
//! `ripgrep --column` counts from 1. An offset inside a rewritten piece
//! (inside `&amp;`'s `&`, or a `\u0645` escape) maps to where that piece
//! starts in the file.

use std::ops::Range;

use serde::Serialize;

/// A point of the body whose source position is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// Byte offset in the body.
    pub at: u32,
    /// 1-based line in the source file.
    pub line: u32,
    /// 1-based column (characters) in that line.
    pub col: u32,
    /// The body from `at` to the next anchor is a verbatim copy of the
    /// source from (`line`, `col`) on; otherwise it is what a rewritten
    /// piece of the source that starts there became.
    pub verbatim: bool,
}

/// Source positions of a document's body (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SourceMap {
    /// Anchors by body offset; the first is at 0.
    pub anchors: Vec<Anchor>,
}

impl SourceMap {
    /// A body copied verbatim from (`line`, `col`) on.
    pub fn verbatim(line: u32, col: u32) -> Self {
        SourceMap {
            anchors: vec![Anchor {
                at: 0,
                line,
                col,
                verbatim: true,
            }],
        }
    }

    /// Whether nothing is known (e.g. text extracted from HTML markup).
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// (line, column) of each byte offset of `offsets` (ascending) in
    /// `body`, in one pass over the body; `None` for every offset if the map
    /// is empty.
    pub fn locate(&self, body: &str, offsets: &[usize]) -> Vec<Option<(u64, u64)>> {
        if self.anchors.is_empty() {
            return vec![None; offsets.len()];
        }
        let mut out = Vec::with_capacity(offsets.len());
        let mut k = 0; // current anchor
        let (mut pos, mut line, mut col) = (0usize, 0u64, 0u64);
        let mut started = false;
        for &o in offsets {
            let o = o.min(body.len());
            // Move to the last anchor at or before `o`.
            let mut moved = !started;
            while k + 1 < self.anchors.len() && self.anchors[k + 1].at as usize <= o {
                k += 1;
                moved = true;
            }
            let a = self.anchors[k];
            if moved || o < pos {
                pos = (a.at as usize).min(body.len());
                line = a.line as u64;
                col = a.col as u64;
                started = true;
            }
            if !a.verbatim {
                out.push(Some((a.line as u64, a.col as u64)));
                continue;
            }
            for c in body[pos..o].chars() {
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
            pos = o;
            out.push(Some((line, col)));
        }
        out
    }

    /// Compact bytes for the index: per anchor, varints of the offset delta
    /// (shifted left, with the verbatim flag in bit 0), the line delta and
    /// the column.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.anchors.len() * 4);
        let (mut at, mut line) = (0u32, 0u32);
        for a in &self.anchors {
            put_varint(&mut v, (((a.at - at) as u64) << 1) | a.verbatim as u64);
            put_varint(&mut v, (a.line - line) as u64);
            put_varint(&mut v, a.col as u64);
            at = a.at;
            line = a.line;
        }
        v
    }

    /// The map written by [`SourceMap::to_bytes`] (empty if malformed).
    pub fn from_bytes(mut b: &[u8]) -> Self {
        let mut anchors = Vec::new();
        let (mut at, mut line) = (0u32, 0u32);
        while !b.is_empty() {
            let (Some(x), Some(dl), Some(col)) =
                (get_varint(&mut b), get_varint(&mut b), get_varint(&mut b))
            else {
                return SourceMap::default();
            };
            at = at.saturating_add((x >> 1) as u32);
            line = line.saturating_add(dl as u32);
            anchors.push(Anchor {
                at,
                line,
                col: col as u32,
                verbatim: x & 1 == 1,
            });
        }
        SourceMap { anchors }
    }
}

fn put_varint(v: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        v.push((x as u8) | 0x80);
        x >>= 7;
    }
    v.push(x as u8);
}

fn get_varint(b: &mut &[u8]) -> Option<u64> {
    let mut x = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        x |= ((byte & 0x7f) as u64) << shift;
        if byte < 0x80 {
            return Some(x);
        }
    }
    None
}

/// A piece of a [`Mapped`] text: from `out` on (to the next piece), the
/// text comes from byte `src` of the frame, verbatim or rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Byte offset in the text.
    pub out: usize,
    /// Byte offset in the frame.
    pub src: usize,
    /// Verbatim copy (else a rewrite of the frame starting at `src`).
    pub verbatim: bool,
}

/// Text being built from a frame, with where each piece came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The text.
    pub text: String,
    /// Pieces by `out`, the first at 0 (none: positions unknown).
    pub pieces: Vec<Piece>,
}

impl Mapped {
    /// `text`, a verbatim copy of the frame from byte `src` on.
    pub fn verbatim(text: String, src: usize) -> Self {
        Mapped {
            text,
            pieces: vec![Piece {
                out: 0,
                src,
                verbatim: true,
            }],
        }
    }

    /// `text` whose source positions are unknown.
    pub fn unmapped(text: String) -> Self {
        Mapped {
            text,
            pieces: Vec::new(),
        }
    }

    /// Frame offset of text offset `o` (None when unmapped).
    fn src_of(&self, o: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.out <= o).checked_sub(1)?;
        let p = self.pieces[i];
        Some(if p.verbatim {
            p.src + (o - p.out)
        } else {
            p.src
        })
    }

    /// Replace each range of `edits` (ascending, not overlapping, on char
    /// boundaries) by its string; the pieces follow.
    pub fn rewrite(self, edits: Vec<(Range<usize>, String)>) -> Self {
        if edits.is_empty() {
            return self;
        }
        let mapped = !self.pieces.is_empty();
        let mut text = String::with_capacity(self.text.len());
        let mut pieces: Vec<Piece> = Vec::with_capacity(self.pieces.len() + 2 * edits.len());
        let push = push_piece;
        let copy = |text: &mut String, pieces: &mut Vec<Piece>, r: Range<usize>| {
            if r.is_empty() {
                return;
            }
            let base = text.len();
            text.push_str(&self.text[r.clone()]);
            if !mapped {
                return;
            }
            // The old pieces that cover r, shifted to the new text.
            let first = self.pieces.partition_point(|p| p.out <= r.start) - 1;
            for p in &self.pieces[first..] {
                if p.out >= r.end {
                    break;
                }
                let from = p.out.max(r.start);
                let src = if p.verbatim {
                    p.src + (from - p.out)
                } else {
                    p.src
                };
                push(
                    pieces,
                    Piece {
                        out: base + (from - r.start),
                        src,
                        verbatim: p.verbatim,
                    },
                );
            }
        };
        let mut last = 0;
        for (r, with) in edits {
            copy(&mut text, &mut pieces, last..r.start);
            if mapped && !with.is_empty() {
                let src = self.src_of(r.start).expect("mapped");
                push(
                    &mut pieces,
                    Piece {
                        out: text.len(),
                        src,
                        verbatim: false,
                    },
                );
            }
            text.push_str(&with);
            last = r.end;
        }
        copy(&mut text, &mut pieces, last..self.text.len());
        // A piece that starts at the end of the text covers nothing.
        while pieces.len() > 1 && pieces.last().is_some_and(|p| p.out >= text.len()) {
            pieces.pop();
        }
        if mapped && pieces.is_empty() {
            pieces.push(Piece {
                out: 0,
                src: self.pieces[0].src,
                verbatim: false,
            });
        }
        Mapped { text, pieces }
    }

    /// The text and its [`SourceMap`]: frame byte offsets become lines and
    /// columns, the frame starting at (`line`, `col`) of the file.
    pub fn finish(self, frame: &str, line: u64, col: u64) -> (String, SourceMap) {
        let mut anchors = Vec::with_capacity(self.pieces.len());
        let (mut pos, mut l, mut c) = (0usize, line, col);
        for p in &self.pieces {
            let src = p.src.min(frame.len());
            if src < pos {
                (pos, l, c) = (0, line, col);
            }
            for ch in frame[pos..src].chars() {
                if ch == '\n' {
                    l += 1;
                    c = 1;
                } else {
                    c += 1;
                }
            }
            pos = src;
            anchors.push(Anchor {
                at: p.out as u32,
                line: l.min(u32::MAX as u64) as u32,
                col: c.min(u32::MAX as u64) as u32,
                verbatim: p.verbatim,
            });
        }
        (self.text, SourceMap { anchors })
    }
}

/// Append `p`, merging it into the last piece when it starts at the same
/// offset or continues a verbatim run.
fn push_piece(pieces: &mut Vec<Piece>, p: Piece) {
    if let Some(last) = pieces.last_mut() {
        if last.out == p.out {
            *last = p;
            return;
        }
        if last.verbatim && p.verbatim && p.src.wrapping_sub(last.src) == p.out - last.out {
            return;
        }
    }
    pieces.push(p);
}

/// Decode the JSON string literal `raw` (with its quotes), which starts at
/// byte `src` of the frame, keeping where each piece came from. None if it
/// is not a string literal.
pub fn json_string(raw: &str, src: usize) -> Option<Mapped> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let base = src + 1;
    let b = inner.as_bytes();
    let mut text = String::with_capacity(inner.len());
    let mut pieces = vec![Piece {
        out: 0,
        src: base,
        verbatim: true,
    }];
    let mut i = 0;
    let mut run = 0; // start of the current verbatim run in `inner`
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        text.push_str(&inner[run..i]);
        let esc_start = i;
        let c = match *b.get(i + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = |at: usize| u32::from_str_radix(inner.get(at..at + 4)?, 16).ok();
                let hi = hex(i + 2)?;
                if (0xD800..0xDC00).contains(&hi) && inner.get(i + 6..i + 8) == Some("\\u") {
                    let lo = hex(i + 8)?;
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00)))
                        .unwrap_or('\u{FFFD}')
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => return None,
        };
        i += if b[i + 1] == b'u' { 6 } else { 2 };
        pieces.push(Piece {
            out: text.len(),
            src: base + esc_start,
            verbatim: false,
        });
        text.push(c);
        pieces.push(Piece {
            out: text.len(),
            src: base + i,
            verbatim: true,
        });
        run = i;
    }
    text.push_str(&inner[run..]);
    // Drop pieces that cover nothing (consecutive escapes, the start).
    let mut kept: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match kept.last_mut() {
            Some(last) if last.out == p.out => *last = p,
            _ => kept.push(p),
        }
    }
    while kept.len() > 1 && kept.last().is_some_and(|p| p.out >= text.len()) {
        kept.pop();
    }
    Some(Mapped { text, pieces: kept })
}

/// Split one raw CSV record (`raw`, at byte `src` of the frame, without or
/// with its line break) into fields as the `csv` crate reads them (fields
/// separated by `delimiter`, a field that starts with `"` is quoted, `""`
/// inside it is one `"`), and map field `column`. None if the record has no
/// such field.
pub fn csv_field(raw: &str, src: usize, delimiter: u8, column: usize) -> Option<Mapped> {
    let raw = raw.trim_end_matches(['\n', '\r']);
    let b = raw.as_bytes();
    let mut i = 0;
    let mut field = 0;
    loop {
        let quoted = b.get(i) == Some(&b'"');
        if field == column {
            if !quoted {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == delimiter)
                    .map_or(b.len(), |k| i + k);
                return Some(Mapped::verbatim(raw[i..end].to_string(), src + i));
            }
            let mut text = String::new();
            let mut pieces = vec![Piece {
                out: 0,
                src: src + i + 1,
                verbatim: true,
            }];
            let mut run = i + 1;
            let mut k = i + 1;
            while k < b.len() {
                if b[k] == b'"' {
                    if b.get(k + 1) == Some(&b'"') {
                        text.push_str(&raw[run..k]);
                        pieces.push(Piece {
                            out: text.len(),
                            src: src + k,
                            verbatim: false,
                        });
                        text.push('"');
                        k += 2;
                        run = k;
                        pieces.push(Piece {
                            out: text.len(),
                            src: src + k,
                            verbatim: true,
                        });
                        continue;
                    }
                    // The closing quote; anything up to the delimiter is
                    // kept by the csv crate too.
                    text.push_str(&raw[run..k]);
                    let end = b[k + 1..]
                        .iter()
                        .position(|&c| c == delimiter)
                        .map_or(b.len(), |x| k + 1 + x);
                    if end > k + 1 {
                        pieces.push(Piece {
                            out: text.len(),
                            src: src + k + 1,
                            verbatim: true,
                        });
                        text.push_str(&raw[k + 1..end]);
                    }
                    run = b.len();
                    break;
                }
                k += 1;
            }
            if run < b.len() {
                text.push_str(&raw[run..]);
            }
            let mut kept: Vec<Piece> = Vec::new();
            for p in pieces {
                match kept.last_mut() {
                    Some(last) if last.out == p.out => *last = p,
                    _ => kept.push(p),
                }
            }
            while kept.len() > 1 && kept.last().is_some_and(|p| p.out >= text.len()) {
                kept.pop();
            }
            return Some(Mapped { text, pieces: kept });
        }
        // Skip this field.
        if quoted {
            let mut k = i + 1;
            loop {
                match b.get(k) {
                    None => return None,
                    Some(b'"') if b.get(k + 1) == Some(&b'"') => k += 2,
                    Some(b'"') => break,
                    _ => k += 1,
                }
            }
            i = k + 1;
        }
        let next = b[i..].iter().position(|&c| c == delimiter)?;
        i += next + 1;
        field += 1;
    }
}

/// Decode the HTML entities of `m` (`&amp;`, `&quot;`, `&nbsp;`, `&#39;`,
/// `&#x645;`, every named entity of HTML5, each ended by `;`) with the
/// `html-escape` crate, one entity at a time so the pieces follow.
pub fn decode_entities(m: Mapped) -> Mapped {
    if !m.text.contains('&') {
        return m;
    }
    let mut edits = Vec::new();
    let b = m.text.as_bytes();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b'&') {
        let amp = i + k;
        i = amp + 1;
        // The longest entity name of HTML5 is 31 characters.
        let Some(semi) = b[amp + 1..]
            .iter()
            .take(40)
            .position(|&c| c == b';' || c == b'&' || c.is_ascii_whitespace())
            .map(|x| amp + 1 + x)
            .filter(|&x| b[x] == b';')
        else {
            continue;
        };
        let cand = &m.text[amp..=semi];
        let dec = html_escape::decode_html_entities(cand);
        if dec != cand {
            edits.push((amp..semi + 1, dec.into_owned()));
            i = semi + 1;
        }
    }
    m.rewrite(edits)
}

/// Fold the Arabic presentation forms of `m` (U+FB50–U+FDFF,
/// U+FE70–U+FEFF) to the letters they show (NFKC of those characters only;
/// see [`crate::lang::fold_presentation_char`]).
pub fn fold_presentation_forms(m: Mapped) -> Mapped {
    if !m.text.chars().any(crate::lang::is_arabic_presentation_form) {
        return m;
    }
    let edits = m
        .text
        .char_indices()
        .filter_map(|(i, c)| {
            let f = crate::lang::fold_presentation_char(c)?;
            Some((i..i + c.len_utf8(), f))
        })
        .collect();
    m.rewrite(edits)
}

/// What ingest does to every record's text before detection: decode HTML
/// entities, then fold Arabic presentation forms.
pub fn clean(m: Mapped) -> Mapped {
    fold_presentation_forms(decode_entities(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, col) of every occurrence of `word` in the body, checked
    /// against the frame.
    fn positions(body: &str, map: &SourceMap, word: &str) -> Vec<(u64, u64)> {
        let offs: Vec<usize> = body.match_indices(word).map(|(i, _)| i).collect();
        map.locate(body, &offs)
            .into_iter()
            .map(Option::unwrap)
            .collect()
    }

    fn at(frame: &str, line: u64, col: u64) -> &str {
        let l = frame.lines().nth(line as usize - 1).unwrap();
        let start = l
            .char_indices()
            .nth(col as usize - 1)
            .map_or(l.len(), |(i, _)| i);
        &l[start..]
    }

    #[test]
    fn json_escapes_entities_and_forms_map_to_raw_columns() {
        let line = r#"{"id":1,"text":"Ja \"gut\" &amp; \u0645\u0634\u062a\u0631\u06cc kunde\nZeile ﻻ Kunde"}"#;
        let start = line.find("\"Ja").unwrap();
        let end = line.rfind('"').unwrap() + 1;
        let m = json_string(&line[start..end], start).unwrap();
        let (body, map) = clean(m).finish(line, 7, 1);
        assert_eq!(body, "Ja \"gut\" & مشتری kunde\nZeile لا Kunde");
        let p = positions(&body, &map, "kunde");
        assert_eq!(p.len(), 1);
        assert!(at(line, 1, p[0].1).starts_with("kunde"), "{p:?}");
        assert_eq!(p[0].0, 7);
        let p = positions(&body, &map, "Kunde");
        assert!(at(line, 1, p[0].1).starts_with("Kunde"));
        assert_eq!(p[0].0, 7, "an escaped newline stays on the record's line");
        let p = positions(&body, &map, "مشتری");
        assert!(at(line, 1, p[0].1).starts_with("\\u0645"));
        let p = positions(&body, &map, "gut");
        assert!(at(line, 1, p[0].1).starts_with("gut"));
        let p = positions(&body, &map, "لا");
        assert!(at(line, 1, p[0].1).starts_with('ﻻ'));
    }

    #[test]
    fn csv_quotes_and_lines_inside_a_field() {
        let raw = "7,\"Sehr \"\"gut\"\",\nZweite Zeile Kunde\",5\n";
        let m = csv_field(raw, 0, b',', 1).unwrap();
        let (body, map) = clean(m).finish(raw, 3, 1);
        assert_eq!(body, "Sehr \"gut\",\nZweite Zeile Kunde");
        let p = positions(&body, &map, "Kunde");
        assert_eq!(p[0].0, 4);
        assert!(at(raw, 2, p[0].1).starts_with("Kunde"));
        let p = positions(&body, &map, "gut");
        assert_eq!(p[0].0, 3);
        assert!(at(raw, 1, p[0].1).starts_with("gut"));
        assert_eq!(csv_field("a\tb c\td", 0, b'\t', 1).unwrap().text, "b c");
        assert_eq!(csv_field("a,b", 0, b',', 2), None);
    }

    #[test]
    fn entities_decode_once() {
        let m = decode_entities(Mapped::verbatim(
            "a &amp;amp; b &quot;c&quot; &#39;d&#x27; &nbsp;e AT&T; f&g".into(),
            0,
        ));
        assert_eq!(m.text, "a &amp; b \"c\" 'd' \u{a0}e AT&T; f&g");
    }

    #[test]
    fn bytes_round_trip() {
        let m = SourceMap {
            anchors: vec![
                Anchor {
                    at: 0,
                    line: 3,
                    col: 17,
                    verbatim: true,
                },
                Anchor {
                    at: 300,
                    line: 3,
                    col: 900,
                    verbatim: false,
                },
                Anchor {
                    at: 302,
                    line: 5,
                    col: 1,
                    verbatim: true,
                },
            ],
        };
        assert_eq!(SourceMap::from_bytes(&m.to_bytes()), m);
    }
}
