//! Stage 5, keep: which documents are added. A record whose text is that of
//! a record already added in this run, or of a committed document of a file
//! that stays, is not added. Inside one file that is counted as the file's
//! `duplicates` (the first is kept; the file is indexed, not skipped);
//! across files as `duplicates_elsewhere` with the first `duplicate_of`,
//! and a file all of whose records are elsewhere is skipped as "duplicate
//! of <path>". A record whose id (JSONL `id`, CSV column `id`) was given to
//! another record with a different text is kept too, under the id
//! `<id>@<path>:<line>`, with a warning, so ids stay unique in the index.

use std::collections::{HashMap, HashSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

use crate::error::Result;
use crate::index::state::RecordNotes;
use crate::index::write::IndexDoc;
use crate::index::KorpusIndex;

/// Warnings kept per file (one more line says there were more).
const MAX_WARNINGS: usize = 20;

/// What happened to the records of the file being added.
#[derive(Default)]
pub(super) struct Tally {
    /// Records kept.
    pub kept: usize,
    /// Duplicates and warnings.
    pub notes: RecordNotes,
}

/// The texts and ids kept so far, in this run and in the committed index.
pub(super) struct Keeper<'a> {
    index: &'a KorpusIndex,
    /// Committed searcher at the start, to find duplicates of kept files.
    pub searcher: tantivy::Searcher,
    /// Paths whose committed documents are being replaced or pruned.
    pub replaced: HashSet<String>,
    /// Texts added in this run ([`IndexDoc::text_hash`]) → file (index in
    /// `paths`) and line.
    texts: HashMap<String, (u32, Option<u64>)>,
    /// Ids added in this run → file and line.
    ids: HashMap<String, (u32, Option<u64>)>,
    /// Paths of the files read in this run.
    paths: Vec<String>,
}

impl<'a> Keeper<'a> {
    pub fn new(index: &'a KorpusIndex, searcher: tantivy::Searcher, replaced: HashSet<String>) -> Self {
        Keeper {
            index,
            searcher,
            replaced,
            texts: HashMap::new(),
            ids: HashMap::new(),
            paths: Vec::new(),
        }
    }

    /// The location (`path` or `path:line`) of a committed document whose
    /// `field` is `value`, if it belongs to a file that stays in the index.
    fn committed(&self, field: tantivy::schema::Field, value: &str) -> Result<Option<String>> {
        if self.searcher.num_docs() == 0 {
            return Ok(None);
        }
        let f = self.index.fields();
        let q = TermQuery::new(
            Term::from_field_text(field, value),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let mut addrs: Vec<_> = self
            .searcher
            .search(&q, &DocSetCollector)?
            .into_iter()
            .collect();
        addrs.sort();
        for a in addrs {
            let d: TantivyDocument = self.searcher.doc(a)?;
            let p = d
                .get_first(f.path)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            if !self.replaced.contains(&p) {
                let line = d.get_first(f.line).and_then(|v| v.as_u64());
                return Ok(Some(crate::corpus::location(&p, line)));
            }
        }
        Ok(None)
    }

    /// The number of a file about to be read.
    pub fn start_file(&mut self, path: &str) -> u32 {
        self.paths.push(path.to_string());
        (self.paths.len() - 1) as u32
    }

    /// The record `p` of file `file` (see [`Keeper::start_file`]) if it is
    /// to be added (with a new id if its id was taken), `None` if its text
    /// repeats one already kept; `tally` counts what happened.
    pub fn keep(&mut self, mut p: IndexDoc, file: u32, tally: &mut Tally) -> Result<Option<IndexDoc>> {
        if let Some(&(f, line)) = self.texts.get(&p.text_hash) {
            if f == file {
                tally.notes.duplicates += 1;
            } else {
                tally.notes.duplicates_elsewhere += 1;
                let first = crate::corpus::location(&self.paths[f as usize], line);
                tally.notes.duplicate_of.get_or_insert(first);
            }
            return Ok(None);
        }
        if let Some(first) = self.committed(self.index.fields().text_hash, &p.text_hash)? {
            tally.notes.duplicates_elsewhere += 1;
            tally.notes.duplicate_of.get_or_insert(first);
            return Ok(None);
        }
        let taken = match self.ids.get(&p.doc.id) {
            Some(&(f, line)) => Some(crate::corpus::location(&self.paths[f as usize], line)),
            None => self.committed(self.index.fields().id, &p.doc.id)?,
        };
        if let Some(first) = taken {
            let new_id = format!(
                "{}@{}",
                p.doc.id,
                crate::corpus::location(&p.doc.path, p.doc.line)
            );
            if tally.notes.warnings.len() < MAX_WARNINGS {
                tally.notes.warnings.push(format!(
                    "{}: id {:?} is also the id of {first}, with another text: both kept, this one as {new_id:?}",
                    crate::corpus::location(&p.doc.path, p.doc.line),
                    p.doc.id
                ));
            } else if tally.notes.warnings.len() == MAX_WARNINGS {
                tally
                    .notes
                    .warnings
                    .push("more ids given twice with different texts (all kept)".into());
            }
            p.doc.id = new_id;
        }
        self.texts.insert(p.text_hash.clone(), (file, p.doc.line));
        self.ids.insert(p.doc.id.clone(), (file, p.doc.line));
        tally.kept += 1;
        Ok(Some(p))
    }
}
