//! Ingest: walk the input paths, read each file, and turn it into documents.
//!
//! Every file is accounted for: it yields documents, or a [`FileReport`] with
//! the reason it was skipped. `.txt`/`.md` files are one document each;
//! `.jsonl` is one document per line (`"text"`, optional `"id"`, `"title"`,
//! other fields kept as metadata); `.csv` has a header and one document per row.

pub mod decode;

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
    /// 1-based line (JSONL) or row (CSV) within the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Title, if the source has one (first line of a text file, `title` field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The text.
    pub body: String,
    /// Other fields of the source record.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
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
}

/// How to read input.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// CSV column holding the text.
    pub text_column: String,
    /// Force this encoding instead of detecting one.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            text_column: "text".into(),
            encoding: None,
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
    /// CSV with a header: one document per row.
    Csv,
}

impl Format {
    /// The format of a path, by extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "md" | "text" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// All files under the given paths, sorted, so runs are reproducible.
/// A missing path is an error; unreadable folders are reported as skipped.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<FileReport>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(Error::MissingPath(p.clone()));
        }
        for entry in walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    let reason = if err.loop_ancestor().is_some() {
                        "symlink loop".to_string()
                    } else {
                        err.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| err.to_string())
                    };
                    skipped.push(FileReport {
                        path,
                        documents: 0,
                        encoding: None,
                        skipped: Some(reason),
                    });
                }
            }
        }
    }
    files.sort();
    files.dedup();
    Ok((files, skipped))
}

/// Stable document id: the first 16 hex digits of the BLAKE3 hash of the text.
pub fn content_id(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}

fn skip(path: &Path, reason: impl Into<String>) -> (Vec<Document>, FileReport) {
    let report = FileReport {
        path: path.display().to_string(),
        documents: 0,
        encoding: None,
        skipped: Some(reason.into()),
    };
    (Vec::new(), report)
}

/// Read one file into documents, with a report of what happened.
pub fn read_file(path: &Path, opts: &IngestOptions) -> (Vec<Document>, FileReport) {
    let Some(format) = Format::of(path) else {
        return skip(
            path,
            "unsupported file type (expected .txt, .md, .jsonl or .csv)",
        );
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return skip(path, format!("unreadable: {e}")),
    };
    let decoded = match decode::decode(&bytes, opts.encoding) {
        Ok(d) => d,
        Err(reason) => return skip(path, reason.to_string()),
    };
    let spath = path.display().to_string();
    let (docs, problem) = match format {
        Format::Text => (vec![text_document(&spath, &decoded.text)], None),
        Format::Jsonl => jsonl_documents(&spath, &decoded.text),
        Format::Csv => csv_documents(&spath, &decoded.text, &opts.text_column),
    };
    let mut report = FileReport {
        path: spath,
        documents: docs.len(),
        encoding: Some(decoded.encoding.to_string()),
        skipped: problem,
    };
    if docs.is_empty() && report.skipped.is_none() {
        report.skipped = Some("no documents in file".into());
    }
    (docs, report)
}

fn text_document(path: &str, text: &str) -> Document {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let multi_line = text.trim().contains('\n');
    let title = (multi_line && first.chars().count() <= 150).then(|| first.to_string());
    Document {
        id: content_id(text),
        path: path.to_string(),
        line: None,
        title,
        body: text.to_string(),
        meta: Map::new(),
    }
}

fn record_document(
    path: &str,
    line: u64,
    mut obj: Map<String, Value>,
    text_key: &str,
) -> Option<Document> {
    let body = match obj.remove(text_key)? {
        Value::String(s) if !s.trim().is_empty() => s,
        _ => return None,
    };
    let id = match obj.remove("id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => content_id(&body),
    };
    let title = match obj.remove("title") {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Some(Document {
        id,
        path: path.to_string(),
        line: Some(line),
        title,
        body,
        meta: obj,
    })
}

fn jsonl_documents(path: &str, text: &str) -> (Vec<Document>, Option<String>) {
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i as u64 + 1;
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => match record_document(path, n, obj, "text") {
                Some(d) => docs.push(d),
                None => bad.push(format!("line {n}: no \"text\"")),
            },
            Ok(_) => bad.push(format!("line {n}: not a JSON object")),
            Err(e) => bad.push(format!("line {n}: {e}")),
        }
    }
    (docs, summarize_bad(bad))
}

fn csv_documents(path: &str, text: &str, column: &str) -> (Vec<Document>, Option<String>) {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return (Vec::new(), Some(format!("CSV header: {e}"))),
    };
    if !headers.iter().any(|h| h == column) {
        return (
            Vec::new(),
            Some(format!("CSV has no column '{column}' (use --text-column)")),
        );
    }
    let mut docs = Vec::new();
    let mut bad = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i as u64 + 2; // 1-based, after the header line
        match rec {
            Ok(rec) => {
                let obj: Map<String, Value> = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
                    .collect();
                match record_document(path, row, obj, column) {
                    Some(d) => docs.push(d),
                    None => bad.push(format!("row {row}: empty text")),
                }
            }
            Err(e) => bad.push(format!("row {row}: {e}")),
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
mod tests {
    use super::*;

    #[test]
    fn text_file_title_and_id_are_stable() {
        let d = text_document("a.txt", "Titel\n\nDer Text.");
        assert_eq!(d.title.as_deref(), Some("Titel"));
        assert_eq!(d.id, content_id("Titel\n\nDer Text."));
        assert_eq!(d.id.len(), 16);
    }

    #[test]
    fn jsonl_keeps_metadata_and_reports_bad_lines() {
        let (docs, bad) = jsonl_documents(
            "f.jsonl",
            "{\"text\":\"Hallo Welt\",\"source\":\"x\"}\nnot json\n",
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].meta["source"], "x");
        assert_eq!(docs[0].line, Some(1));
        assert!(bad.unwrap().contains("line 2"));
    }

    #[test]
    fn csv_uses_text_column() {
        let (docs, bad) = csv_documents("f.csv", "id,text,rating\n7,Sehr gut,5\n", "text");
        assert!(bad.is_none());
        assert_eq!(docs[0].id, "7");
        assert_eq!(docs[0].meta["rating"], "5");
    }
}
