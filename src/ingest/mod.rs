//! Ingest: walk the input paths, read each file, and turn it into documents.
//!
//! Every file is accounted for: it yields documents, or a [`FileReport`] with
//! the reason it was skipped (one readable line). `.txt`/`.md` files are one
//! document each; `.jsonl` is one document per line (`"text"`, optional
//! `"id"`, `"title"`, other fields kept as metadata); `.csv` has a header and
//! one document per record, and so has `.tsv`/`.tab` (tab-delimited);
//! `.html`/`.htm` are converted to text ([`html`]).
//!
//! Every record's text then has its HTML entities decoded (`&amp;` → `&`,
//! once; HTML pages were decoded by the HTML parser already) and its Arabic
//! presentation forms folded to letters, before language detection, and
//! carries a [`source::SourceMap`] back to lines and columns of the file.
//!
//! Files larger than [`IngestOptions::max_file_bytes`] are never read whole:
//! text and JSONL files are streamed through a bounded buffer and text files
//! are split into parts of about [`IngestOptions::chunk_bytes`] at paragraph,
//! line or word boundaries ([`read_file_with`] hands each document to a
//! callback, so memory stays bounded for the caller too).

pub mod boilerplate;
pub mod decode;
pub mod html;
pub mod source;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// One document, as read from its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Stable id: a hash of the text (or the `id` given in JSONL input).
    pub id: String,
    /// Source path.
    pub path: String,
    /// 1-based line (JSONL) or row (CSV) within the file; for a part of a
    /// split large text file, the line the part starts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Title, if the source has one (first line of a text file, `title` field,
    /// HTML `<title>` or first `<h1>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The text.
    pub body: String,
    /// Other fields of the source record. Parts of a split file carry
    /// `"part"` (1-based number).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
    /// Where the body's text is in the file (empty for HTML pages).
    #[serde(skip)]
    pub source: source::SourceMap,
}

/// What happened to one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// The file.
    pub path: String,
    /// Documents read from it (0 when skipped).
    pub documents: usize,
    /// Encoding the file was decoded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Why the file (or some of its records) was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Invalid byte sequences replaced with U+FFFD while decoding.
    #[serde(skip_serializing_if = "is_zero")]
    pub replaced: usize,
    /// What the reader noticed and worked around (a declared charset that
    /// does not fit the bytes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How to read input.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// CSV column holding the text.
    pub text_column: String,
    /// Force this encoding instead of detecting one.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Files larger than this are streamed, not read whole (text files are
    /// split into parts, JSONL read line by line; CSV and HTML files this
    /// large are skipped with a reason). Default 64 MiB.
    pub max_file_bytes: u64,
    /// Size (bytes of UTF-8 text) of the parts a large text file is split
    /// into. Default 8 MiB.
    pub chunk_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            text_column: "text".into(),
            encoding: None,
            max_file_bytes: 64 << 20,
            chunk_bytes: 8 << 20,
        }
    }
}

/// File kinds korpus reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown: one document.
    Text,
    /// JSON lines: one document per line.
    Jsonl,
    /// CSV with a header: one document per record.
    Csv,
    /// Tab-separated values with a header (`.tsv`, `.tab`), read as CSV.
    Tsv,
    /// HTML page: one document, markup removed.
    Html,
}

impl Format {
    /// The format of a path, by extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "md" | "text" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }
}

/// The name of a file in the index (`path` field, state, manifest): its
/// path as text, losslessly. A path that is valid UTF-8 without a backslash
/// is itself; in any other, a backslash is written `\\` and a byte that is
/// not UTF-8 `\xHH`, so two files never share a name (`n\xff.txt` and
/// `n\xfe.txt` stay two files), as they would with a lossy conversion.
pub fn path_name(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    if let Some(s) = path.to_str() {
        if !s.contains('\\') {
            return s.to_string();
        }
    }
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Every given path exists ([`Error::MissingPath`] for the first that does
/// not). Checked before an index is created, so a mistyped path leaves no
/// empty index behind.
pub fn check_roots(paths: &[PathBuf]) -> Result<()> {
    match paths.iter().find(|p| std::fs::symlink_metadata(p).is_err()) {
        Some(p) => Err(Error::MissingPath(p.clone())),
        None => Ok(()),
    }
}

/// All files under the given paths, sorted, so runs are reproducible.
/// A missing path is an error; unreadable folders, symlink loops, broken
/// symlinks and special files (FIFOs, sockets, devices) are reported as
/// skipped, never fatal.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<FileReport>)> {
    check_roots(paths)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        for entry in walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => skipped.push(skip_report(
                    e.path(),
                    "not a regular file (FIFO, socket or device)",
                )),
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or_default();
                    skipped.push(skip_report(&path, walk_error_reason(&err)));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, skipped))
}

fn walk_error_reason(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!("symlink loop: points back to {}", ancestor.display());
    }
    let Some(io) = err.io_error() else {
        return err.to_string();
    };
    let is_dir = err.path().is_some_and(|p| p.is_dir());
    let is_link = err
        .path()
        .and_then(|p| std::fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.is_symlink());
    match io.kind() {
        std::io::ErrorKind::NotFound if is_link => {
            "broken symlink (target does not exist)".to_string()
        }
        std::io::ErrorKind::NotFound => format!("vanished while reading the folder: {io}"),
        _ if is_dir => format!("unreadable folder: {io}"),
        _ => format!("unreadable: {io}"),
    }
}

/// Stable document id: the first 16 hex digits of the BLAKE3 hash of the text.
pub fn content_id(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}

fn skip_report(path: &Path, reason: impl Into<String>) -> FileReport {
    FileReport {
        path: path_name(path),
        documents: 0,
        encoding: None,
        skipped: Some(one_line(reason.into())),
        replaced: 0,
        warnings: Vec::new(),
    }
}

/// Reasons are one line: line breaks inside (e.g. from a parser) become spaces.
fn one_line(s: String) -> String {
    if s.contains(['\n', '\r']) {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s
    }
}

/// Read one file into documents, with a report of what happened.
pub fn read_file(path: &Path, opts: &IngestOptions) -> (Vec<Document>, FileReport) {
    let mut docs = Vec::new();
    let report = read_file_with(path, opts, &mut |d| docs.push(d));
    (docs, report)
}

/// Read one file, handing each document to `sink` as soon as it is read;
/// large files (over `opts.max_file_bytes`) are streamed with bounded memory.
pub fn read_file_with(
    path: &Path,
    opts: &IngestOptions,
    sink: &mut dyn FnMut(Document),
) -> FileReport {
    read_file_inspect(path, opts, sink, &mut |_| {})
}

/// [`read_file_with`], also handing the raw bytes of a file read whole (not
/// streamed) to `inspect` before decoding, so a caller can hash them without
/// reading the file twice.
pub fn read_file_inspect(
    path: &Path,
    opts: &IngestOptions,
    sink: &mut dyn FnMut(Document),
    inspect: &mut dyn FnMut(&[u8]),
) -> FileReport {
    let Some(format) = Format::of(path) else {
        return skip_report(
            path,
            "unsupported file type (expected .txt, .md, .jsonl, .csv, .tsv or .html)",
        );
    };
    // One open: its handle gives the size (no second look-up of the path)
    // and then the bytes.
    let opened = std::fs::File::open(path).and_then(|f| Ok((f.metadata()?.len(), f)));
    let (size, mut file) = match opened {
        Ok(x) => x,
        Err(e) => return skip_report(path, format!("unreadable: {e}")),
    };
    if size > opts.max_file_bytes {
        return match format {
            Format::Text | Format::Jsonl => stream_file(path, file, format, opts, sink),
            Format::Csv | Format::Tsv | Format::Html => skip_report(
                path,
                format!(
                    "too large: {size} bytes > limit {} (only .txt/.md/.jsonl files are split; raise the limit)",
                    opts.max_file_bytes
                ),
            ),
        };
    }
    // Read into room for the whole file and the read that finds its end
    // (through `take`: `File::read_to_end` would ask for the size again).
    let mut bytes = Vec::with_capacity(size as usize + 1);
    let mut body = std::io::Read::take(&mut file, u64::MAX);
    if let Err(e) = std::io::Read::read_to_end(&mut body, &mut bytes) {
        return skip_report(path, format!("unreadable: {e}"));
    }
    drop(file);
    inspect(&bytes);
    let spath = path_name(path);
    let mut forced = opts.encoding;
    let mut warnings = Vec::new();
    if format == Format::Html && forced.is_none() && std::str::from_utf8(&bytes).is_err() {
        // A page's declared charset is used only if its bytes are valid in
        // it: pages saved in another encoding than they declare are common,
        // and decoding them as declared turns every letter into U+FFFD.
        match html::declared_charset(&bytes) {
            Some(enc) if enc.decode_without_bom_handling_and_without_replacement(&bytes).is_some() => {
                forced = Some(enc)
            }
            Some(enc) => warnings.push(format!(
                "{spath}: declares charset {} but its bytes are not valid in it: encoding detected",
                enc.name()
            )),
            None => {}
        }
    }
    let decoded = match decode::decode(&bytes, forced) {
        Ok(d) => d,
        Err(reason) => return skip_report(path, reason.to_string()),
    };
    drop(bytes);
    let (docs, problem) = match format {
        Format::Text => (vec![text_document(&spath, decoded.text)], None),
        Format::Jsonl => jsonl_documents(&spath, &decoded.text),
        Format::Csv => csv_documents(&spath, &decoded.text, &opts.text_column, b',', &mut warnings),
        Format::Tsv => csv_documents(&spath, &decoded.text, &opts.text_column, b'\t', &mut warnings),
        Format::Html => html_documents(&spath, &decoded.text),
    };
    let mut report = FileReport {
        path: spath,
        documents: docs.len(),
        encoding: Some(decoded.encoding.to_string()),
        skipped: problem.map(one_line),
        replaced: decoded.replaced,
        warnings,
    };
    if docs.is_empty() && report.skipped.is_none() {
        report.skipped = Some("no documents in file".into());
    }
    docs.into_iter().for_each(sink);
    report
}

fn html_documents(path: &str, source: &str) -> (Vec<Document>, Option<String>) {
    let h = html::html_to_text(source);
    if h.text.trim().is_empty() {
        return (Vec::new(), Some("no visible text in HTML".into()));
    }
    // The HTML parser decoded the entities; only the forms are left to fold.
    let text = source::fold_presentation_forms(source::Mapped::unmapped(h.text)).text;
    let doc = Document {
        id: content_id(&text),
        path: path.to_string(),
        line: None,
        title: h.title,
        body: text,
        meta: Map::new(),
        source: source::SourceMap::default(),
    };
    (vec![doc], None)
}

/// Read block size when streaming.
const BLOCK: usize = 64 * 1024;
/// Bytes at the start of a streamed file used to detect its encoding.
const SNIFF_BYTES: usize = 1 << 20;

/// Stream a large text or JSONL file (`file`, open at its start): detect the
/// encoding on its first MiB, decode block by block, and emit text parts /
/// JSONL records as they fill.
fn stream_file(
    path: &Path,
    mut file: std::fs::File,
    format: Format,
    opts: &IngestOptions,
    sink: &mut dyn FnMut(Document),
) -> FileReport {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    if let Err(e) = (&mut file).take(SNIFF_BYTES as u64).read_to_end(&mut head) {
        return skip_report(path, format!("unreadable: {e}"));
    }
    // Detect on a prefix ending at an ASCII byte, so a multi-byte character
    // cut by the sample's end does not count as an invalid sequence.
    let cut = head
        .iter()
        .rposition(|b| b.is_ascii())
        .map_or(head.len(), |i| i + 1);
    let det = match decode::detect(&head[..cut], opts.encoding) {
        Ok(d) => d,
        Err(reason) => return skip_report(path, reason.to_string()),
    };
    let spath = path_name(path);
    let mut decoder = det.encoding.new_decoder_without_bom_handling();
    let mut splitter = Splitter::new(&spath, format, opts.chunk_bytes.max(16));
    let mut replaced = 0usize;
    let mut bad = Vec::new();
    let mut emitted = 0usize;
    let mut emit = |d: Document| {
        emitted += 1;
        sink(d)
    };
    let mut block = vec![0u8; BLOCK];
    let mut src: &[u8] = &head[det.bom_len..];
    let mut at_eof = false;
    loop {
        let cap = decoder
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len() * 3 + 16);
        let mut out = String::with_capacity(cap);
        let (_, _, had) = decoder.decode_to_string(src, &mut out, at_eof);
        if had {
            replaced += out.matches('\u{FFFD}').count();
        }
        splitter.push(&out, &mut emit, &mut bad);
        if at_eof {
            break;
        }
        let n = match read_full(&mut file, &mut block) {
            Ok(n) => n,
            Err(e) => {
                bad.push(format!(
                    "read error after {} documents: {e}",
                    splitter.parts
                ));
                0
            }
        };
        at_eof = n == 0;
        src = &block[..n];
    }
    splitter.finish(&mut emit, &mut bad);
    let saw_text = splitter.saw_text;
    let mut report = FileReport {
        path: spath.clone(),
        documents: emitted,
        encoding: Some(det.encoding.name().to_string()),
        skipped: summarize_bad(bad).map(one_line),
        replaced,
        warnings: Vec::new(),
    };
    if emitted == 0 && report.skipped.is_none() {
        report.skipped = Some(
            if saw_text {
                "no documents in file"
            } else {
                "empty file"
            }
            .into(),
        );
    }
    report
}

/// Fill `buf` as far as possible; 0 means end of file.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Cuts a stream of decoded text into parts of at most `max` bytes.
struct Splitter<'a> {
    path: &'a str,
    format: Format,
    max: usize,
    pending: String,
    /// Line the pending text starts on (1-based).
    line: u64,
    /// Column (characters, 1-based) the pending text starts at.
    col: u64,
    parts: usize,
    saw_text: bool,
    /// A JSONL record longer than `max` being skipped: its line and the
    /// bytes seen so far. It cannot be held, and cutting it would turn one
    /// record into fragments that each fail to parse.
    oversized: Option<(u64, usize)>,
}

impl<'a> Splitter<'a> {
    fn new(path: &'a str, format: Format, max: usize) -> Self {
        Splitter {
            path,
            format,
            max,
            pending: String::new(),
            line: 1,
            col: 1,
            parts: 0,
            saw_text: false,
            oversized: None,
        }
    }

    fn push(&mut self, s: &str, emit: &mut dyn FnMut(Document), bad: &mut Vec<String>) {
        self.pending.push_str(s);
        loop {
            if let Some((line, seen)) = self.oversized {
                match self.pending.find('\n') {
                    Some(i) => {
                        self.pending.drain(..=i);
                        self.skip_oversized(line, seen + i, bad);
                    }
                    None => {
                        self.oversized = Some((line, seen + self.pending.len()));
                        self.pending.clear();
                        return;
                    }
                }
            }
            if self.pending.len() < self.max {
                break;
            }
            if self.format == Format::Jsonl {
                let mut end = self.max;
                while !self.pending.is_char_boundary(end) {
                    end -= 1;
                }
                if !self.pending[..end].contains('\n') {
                    self.saw_text = true;
                    self.oversized = Some((self.line, 0));
                    continue;
                }
            }
            let at = cut_point(&self.pending, self.max, self.format == Format::Jsonl);
            let rest = self.pending.split_off(at);
            let part = std::mem::replace(&mut self.pending, rest);
            self.emit_part(part, emit, bad);
        }
    }

    /// Count the oversized record that started on `line` as skipped.
    fn skip_oversized(&mut self, line: u64, bytes: usize, bad: &mut Vec<String>) {
        bad.push(format!(
            "line {line}: a record of {:.1} MB, more than the {:.1} MB a record may have",
            bytes as f64 / 1e6,
            self.max as f64 / 1e6
        ));
        self.oversized = None;
        self.line += 1;
        self.col = 1;
    }

    fn finish(&mut self, emit: &mut dyn FnMut(Document), bad: &mut Vec<String>) {
        if let Some((line, seen)) = self.oversized {
            let n = seen + self.pending.len();
            self.pending.clear();
            self.skip_oversized(line, n, bad);
        }
        let part = std::mem::take(&mut self.pending);
        self.emit_part(part, emit, bad);
    }

    fn emit_part(&mut self, part: String, emit: &mut dyn FnMut(Document), bad: &mut Vec<String>) {
        let (start_line, start_col) = (self.line, self.col);
        self.line += part.bytes().filter(|b| *b == b'\n').count() as u64;
        self.col = match part.rfind('\n') {
            Some(i) => 1 + part[i + 1..].chars().count() as u64,
            None => self.col + part.chars().count() as u64,
        };
        if part.trim().is_empty() {
            return;
        }
        self.saw_text = true;
        match self.format {
            Format::Jsonl => {
                let docs = jsonl_documents_from(self.path, &part, start_line, bad);
                docs.into_iter().for_each(&mut *emit);
            }
            _ => {
                self.parts += 1;
                let mut d = text_document_at(self.path, part, start_line, start_col);
                if self.parts > 1 {
                    d.title = None;
                }
                d.line = Some(start_line);
                d.meta.insert("part".into(), Value::from(self.parts));
                emit(d);
            }
        }
    }
}

/// Where to cut `s` (at most `max` bytes, on a char boundary, > 0): after
/// the last blank line in the second half of the window, else after the
/// last line break, else after the last whitespace, else at the last char
/// boundary. With `lines_only` (JSONL) only line breaks are preferred.
fn cut_point(s: &str, max: usize, lines_only: bool) -> usize {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    if end == 0 {
        return s.chars().next().map_or(s.len(), char::len_utf8);
    }
    let w = &s[..end];
    if !lines_only {
        if let Some(i) = w.rfind("\n\n").filter(|i| *i >= end / 2) {
            return i + 2;
        }
    }
    if let Some(i) = w.rfind('\n') {
        return i + 1;
    }
    if let Some((i, c)) = w.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
        return i + c.len_utf8();
    }
    end
}

/// Drop documents whose text is identical to an earlier one. "Earlier" is
/// by (path, line), so the result does not depend on the order `docs` come
/// in; kept documents stay in input order. Each dropped document gets a
/// report "duplicate of <path>" (with lines for JSONL/CSV records).
pub fn dedup_documents(docs: Vec<Document>) -> (Vec<Document>, Vec<FileReport>) {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| (&docs[a].path, docs[a].line, a).cmp(&(&docs[b].path, docs[b].line, b)));
    let mut first: HashMap<u128, usize> = HashMap::new();
    let mut dup_of = vec![None; docs.len()];
    for i in order {
        let key = xxhash_rust::xxh3::xxh3_128(docs[i].body.as_bytes());
        match first.get(&key) {
            // The texts are compared too: a hash collision never drops one.
            Some(&k) if docs[k].body == docs[i].body => dup_of[i] = Some(k),
            Some(_) => {}
            None => {
                first.insert(key, i);
            }
        }
    }
    let at = |d: &Document| match d.line {
        Some(l) => format!("{} line {l}", d.path),
        None => d.path.clone(),
    };
    let mut reports: Vec<(usize, FileReport)> = Vec::new();
    for (i, k) in dup_of.iter().enumerate() {
        if let Some(k) = k {
            let mut r = skip_report(
                Path::new(&docs[i].path),
                format!("duplicate of {}", at(&docs[*k])),
            );
            if let Some(l) = docs[i].line {
                r.skipped = Some(format!("line {l}: duplicate of {}", at(&docs[*k])));
            }
            reports.push((i, r));
        }
    }
    reports
        .sort_by(|a, b| (&docs[a.0].path, docs[a.0].line).cmp(&(&docs[b.0].path, docs[b.0].line)));
    let kept = docs
        .into_iter()
        .zip(dup_of)
        .filter(|(_, d)| d.is_none())
        .map(|(d, _)| d)
        .collect();
    (kept, reports.into_iter().map(|(_, r)| r).collect())
}

fn text_document(path: &str, text: String) -> Document {
    text_document_at(path, text, 1, 1)
}

/// The body and source map of text that is a verbatim copy of the file
/// from (`line`, `col`) on, once cleaned ([`source::clean`]).
fn clean_text(text: String, line: u64, col: u64) -> (String, source::SourceMap) {
    let has_forms = || text.chars().any(crate::lang::is_arabic_presentation_form);
    if !text.contains('&') && !has_forms() {
        return (text, source::SourceMap::verbatim(line as u32, col as u32));
    }
    let frame = text.clone();
    source::clean(source::Mapped::verbatim(text, 0)).finish(&frame, line, col)
}

/// A text document (or part of a text file) starting at (`line`, `col`).
fn text_document_at(path: &str, text: String, line: u64, col: u64) -> Document {
    let (text, source) = clean_text(text, line, col);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let multi_line = text.trim().contains('\n');
    let title = (multi_line && first.chars().count() <= 150).then(|| first.to_string());
    Document {
        id: content_id(&text),
        path: path.to_string(),
        line: None,
        title,
        body: text,
        meta: Map::new(),
        source,
    }
}

/// A record's document: `text` (already mapped, not yet cleaned) in
/// `frame`, which starts at line `line` of the file; `id` and `title` from
/// the record's fields, the other fields as metadata. None when the text is
/// empty.
fn record_document(
    path: &str,
    line: u64,
    text: source::Mapped,
    frame: &str,
    id: Option<Value>,
    title: Option<Value>,
    meta: Map<String, Value>,
) -> Option<Document> {
    if text.text.trim().is_empty() {
        return None;
    }
    let (body, source) = source::clean(text).finish(frame, line, 1);
    if body.trim().is_empty() {
        return None;
    }
    let id = match id {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => content_id(&body),
    };
    let title = match title {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Some(Document {
        id,
        path: path.to_string(),
        line: Some(line),
        title,
        body,
        meta,
        source,
    })
}

fn jsonl_documents(path: &str, text: &str) -> (Vec<Document>, Option<String>) {
    let mut bad = Vec::new();
    let docs = jsonl_documents_from(path, text, 1, &mut bad);
    (docs, summarize_bad(bad))
}

/// JSONL records of `text`, whose first line is line `first` of the file.
fn jsonl_documents_from(
    path: &str,
    text: &str,
    first: u64,
    bad: &mut Vec<String>,
) -> Vec<Document> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i as u64 + first;
        match jsonl_record(path, n, line) {
            Ok(Some(d)) => docs.push(d),
            Ok(None) => bad.push(format!("line {n}: no \"text\"")),
            Err(e) => bad.push(format!("line {n}: {e}")),
        }
    }
    docs
}

/// One JSONL line: its fields are parsed as raw JSON first, so the text's
/// place in the line is known; the others become values.
fn jsonl_record(path: &str, n: u64, line: &str) -> std::result::Result<Option<Document>, String> {
    use serde_json::value::RawValue;
    let fields: std::collections::BTreeMap<String, &RawValue> = match serde_json::from_str(line) {
        Ok(f) => f,
        Err(e) => {
            return Err(match serde_json::from_str::<Value>(line) {
                Ok(_) => "not a JSON object".to_string(),
                Err(_) => e.to_string(),
            })
        }
    };
    let value =
        |raw: &RawValue| serde_json::from_str::<Value>(raw.get()).map_err(|e| e.to_string());
    let mut text = None;
    let (mut id, mut title) = (None, None);
    let mut meta = Map::new();
    for (k, raw) in fields {
        match k.as_str() {
            "text" => text = Some(raw),
            "id" => id = Some(value(raw)?),
            "title" => title = Some(value(raw)?),
            _ => {
                meta.insert(k, value(raw)?);
            }
        }
    }
    let Some(raw) = text else { return Ok(None) };
    let at = raw.get().as_ptr() as usize - line.as_ptr() as usize;
    let mapped = match source::json_string(raw.get(), at) {
        Some(m) => m,
        None => match value(raw)? {
            Value::String(s) => source::Mapped {
                text: s,
                pieces: vec![source::Piece {
                    out: 0,
                    src: at,
                    verbatim: false,
                }],
            },
            _ => return Ok(None),
        },
    };
    Ok(record_document(path, n, mapped, line, id, title, meta))
}

/// Records of a CSV (`delimiter` `,`) or TSV (`\t`) file with a header.
/// Each record's line is the line it starts on (a quoted field may hold
/// line breaks).
fn csv_documents(
    path: &str,
    text: &str,
    column: &str,
    delimiter: u8,
    warnings: &mut Vec<String>,
) -> (Vec<Document>, Option<String>) {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (Vec::new(), Some(format!("CSV header: {e}"))),
    };
    let Some(col) = headers.iter().position(|h| h == column) else {
        return (
            Vec::new(),
            Some(format!("CSV has no column '{column}' (use --text-column)")),
        );
    };
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let start = rdr.position().clone();
        let row = start.line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let (from, to) = (start.byte() as usize, rdr.position().byte() as usize);
                let raw = text.get(from..to).unwrap_or("");
                // A quote that is never closed makes the rest of the file
                // one field: say so rather than index it silently.
                let lines = rdr.position().line() - row;
                if to >= text.trim_end().len() && lines > 2 && raw.matches('"').count() % 2 == 1 {
                    warnings.push(format!(
                        "{path}:{row}: a quote opened here is never closed, so the record runs to the end of the file ({lines} lines)"
                    ));
                }
                let value = rec.get(col).unwrap_or("");
                let mapped = source::csv_field(raw, 0, delimiter, col)
                    .filter(|m| m.text == value)
                    .unwrap_or_else(|| source::Mapped {
                        text: value.to_string(),
                        pieces: vec![source::Piece {
                            out: 0,
                            src: 0,
                            verbatim: false,
                        }],
                    });
                let mut id = None;
                let mut title = None;
                let mut meta = Map::new();
                for (i, (h, v)) in headers.iter().zip(rec.iter()).enumerate() {
                    let v = Value::String(v.to_string());
                    match h {
                        _ if i == col => {}
                        "id" => id = Some(v),
                        "title" => title = Some(v),
                        _ => {
                            meta.insert(h.to_string(), v);
                        }
                    }
                }
                match record_document(path, row, mapped, raw, id, title, meta) {
                    Some(d) => docs.push(d),
                    None => bad.push(format!("line {row}: empty text")),
                }
            }
            Err(e) => {
                bad.push(format!("line {row}: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    (docs, summarize_bad(bad))
}

fn summarize_bad(bad: Vec<String>) -> Option<String> {
    match bad.len() {
        0 => None,
        1 => Some(format!("1 record skipped ({})", bad[0])),
        n => Some(format!("{n} records skipped (first: {})", bad[0])),
    }
}

#[cfg(test)]
mod tests;
