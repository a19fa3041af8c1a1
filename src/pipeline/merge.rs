//! `korpus merge`: the shard indexes of one corpus (`korpus index --shard
//! I/N`) become one index, equal to a single run over the same files.
//!
//! The shards' segments are merged by tantivy's segment merger, so no
//! document is read or analyzed again. What a single run decides across
//! files is decided again over all shards, in the order a single run reads
//! files (sorted paths, then records by line): a record whose text a record
//! of an earlier file already has is left out (counted as a duplicate
//! elsewhere of that file), and a record whose id an earlier record of
//! another file has with a different text gets the id `<id>@<path>:<line>`
//! (that document alone is analyzed again, from its stored text and spans).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{DocId, TantivyDocument};

use super::report::{self, IndexSummary, ManifestFile};
use super::shard::Shard;
use crate::analysis::Scratch;
use crate::error::{Error, Result};
use crate::index::state::{self, IndexState};
use crate::index::write::{open_writer, Writer};
use crate::index::{KorpusIndex, MANIFEST};

/// What `korpus merge` did.
#[derive(Debug, Clone, Serialize)]
pub struct MergeSummary {
    /// Shard indexes merged.
    pub shards: usize,
    /// Documents in the merged index.
    pub documents: u64,
    /// Records left out: their text is that of a record of an earlier file
    /// in another shard.
    pub duplicates_across_shards: usize,
    /// Records whose id an earlier file in another shard gave to another
    /// text (renamed `<id>@<path>:<line>`).
    pub ids_renamed: usize,
    /// Documents per main language.
    pub by_lang: BTreeMap<String, u64>,
}

/// One live document of a shard, as the cross-shard decisions need it.
struct DocRef {
    shard: usize,
    segment: usize,
    doc: DocId,
    path: String,
    line: Option<u64>,
    id: String,
    text_hash: String,
}

/// Merge the shard indexes at `inputs` into a new index at `out`.
pub fn merge_shards(inputs: &[PathBuf], out: &Path, jobs: usize) -> Result<MergeSummary> {
    if inputs.is_empty() {
        return Err(Error::Invalid("merge needs the shard indexes to join".into()));
    }
    let mut shards = Vec::new();
    for dir in inputs {
        let idx = KorpusIndex::open(dir)?;
        let st = state::load_state(&idx)?;
        let manifest = read_manifest(dir)?;
        let Some(sh) = st.shard else {
            return Err(Error::Invalid(format!(
                "{} is not a shard (it was indexed without --shard)",
                dir.display()
            )));
        };
        if !manifest.complete {
            return Err(Error::Invalid(format!(
                "shard {sh} at {}: its last run did not finish; run `korpus index --shard {sh}` there again",
                dir.display()
            )));
        }
        let corrupt = idx.tantivy().validate_checksum()?;
        if !corrupt.is_empty() {
            return Err(Error::Invalid(format!(
                "shard {sh} at {}: the index is damaged ({} files fail their checksum); index that shard again",
                dir.display(),
                corrupt.len()
            )));
        }
        shards.push((dir.clone(), idx, st, manifest, sh));
    }
    check_shard_set(&shards.iter().map(|s| (s.0.as_path(), s.4)).collect::<Vec<_>>())?;
    let mut seen_paths: HashMap<&str, &Path> = HashMap::new();
    for (dir, _, st, _, _) in &shards {
        for p in st.files.keys() {
            if let Some(other) = seen_paths.insert(p, dir) {
                return Err(Error::Invalid(format!(
                    "{p} is in two shards ({} and {}): were they indexed with different roots?",
                    other.display(),
                    dir.display()
                )));
            }
        }
    }

    // Every live document, in the order a single run adds them.
    let mut docs = Vec::new();
    let mut segments = Vec::new();
    let mut first_segment = Vec::new();
    for (s, (_, idx, _, _, _)) in shards.iter().enumerate() {
        let searcher = idx.searcher()?;
        let metas = idx.tantivy().searchable_segment_metas()?;
        first_segment.push(segments.len());
        for (g, reader) in searcher.segment_readers().iter().enumerate() {
            let meta = metas
                .iter()
                .find(|m| m.id() == reader.segment_id())
                .cloned()
                .ok_or_else(|| Error::Invalid("a shard changed while it was merged".into()))?;
            segments.push(idx.tantivy().segment(meta));
            docs.extend(segment_docs(idx, &searcher, s, g)?);
        }
    }
    docs.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)).then(a.line.cmp(&b.line)));

    let mut texts: HashMap<&str, (&str, Option<u64>)> = HashMap::new();
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let mut drop: Vec<Vec<DocId>> = segments.iter().map(|_| Vec::new()).collect();
    let mut dropped_of: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut renamed: Vec<(usize, DocId, String)> = Vec::new();
    for d in &docs {
        let seg = first_segment[d.shard] + d.segment;
        if let Some((p, line)) = texts.get(d.text_hash.as_str()) {
            drop[seg].push(d.doc);
            let e = dropped_of.entry(d.path.clone()).or_insert((0, crate::corpus::location(p, *line)));
            e.0 += 1;
            continue;
        }
        texts.insert(&d.text_hash, (&d.path, d.line));
        match ids.get(d.id.as_str()) {
            Some(h) if *h != d.text_hash => {
                drop[seg].push(d.doc);
                let new_id = format!("{}@{}", d.id, crate::corpus::location(&d.path, d.line));
                renamed.push((seg, d.doc, new_id));
            }
            _ => {
                ids.insert(&d.id, &d.text_hash);
            }
        }
    }

    let keep = drop
        .iter()
        .zip(&segments)
        .map(|(gone, seg)| {
            if gone.is_empty() {
                return None;
            }
            let max = seg.meta().max_doc();
            let mut bits = tantivy::BitSet::with_max_value_and_full(max);
            for &d in gone {
                bits.remove(d);
            }
            let mut bytes = Vec::new();
            tantivy::fastfield::write_alive_bitset(&bits, &mut bytes).expect("writing to memory");
            Some(tantivy::fastfield::AliveBitSet::open(tantivy::directory::OwnedBytes::new(bytes)))
        })
        .collect();
    let merged = KorpusIndex::create_merged(out, &segments, keep)?;

    // The renamed documents, analyzed again from their stored text and spans.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let mut writer = Writer::new(&merged, open_writer(&merged)?, &pool, jobs.max(1), 50 << 20);
    let mut scratch = Scratch::default();
    let seg_owner: Vec<usize> = (0..shards.len())
        .flat_map(|s| {
            let n = first_segment.get(s + 1).copied().unwrap_or(segments.len()) - first_segment[s];
            std::iter::repeat(s).take(n)
        })
        .collect();
    let mut renamed_by_path: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (seg, doc, new_id) in &renamed {
        let idx = &shards[seg_owner[*seg]].1;
        let searcher = idx.searcher()?;
        let local = seg - first_segment[seg_owner[*seg]];
        let stored = idx.stored_doc(&searcher.doc::<TantivyDocument>(tantivy::DocAddress::new(local as u32, *doc))?);
        let old_id = stored.id.clone();
        let path = stored.path.clone();
        let loc = stored.location();
        let mut d = super::prepare::prepare_stored(stored, &mut scratch);
        d.doc.id = new_id.clone();
        writer.add(d)?;
        renamed_by_path
            .entry(path)
            .or_default()
            .push(format!("id {old_id:?} of {loc} is also another file's id: kept as {new_id:?}"));
    }
    writer.flush()?;

    // State and manifest: the union of the shards', with the records left
    // out counted where a single run counts them.
    let mut st = IndexState::default();
    let mut files: Vec<ManifestFile> = Vec::new();
    let mut counts = report::Counts::default();
    for (_, _, s, m, _) in &shards {
        st.files.extend(s.files.iter().map(|(k, v)| (k.clone(), v.clone())));
        files.extend(m.files.iter().cloned());
        counts.pruned += m.files_pruned;
        counts.missing += m.files_missing;
    }
    for (path, (n, first)) in &dropped_of {
        if let Some(fs) = st.files.get_mut(path) {
            fs.documents -= n;
            fs.notes.duplicates_elsewhere += n;
            fs.notes.duplicate_of.get_or_insert_with(|| first.clone());
        }
        if let Some(f) = files.iter_mut().find(|f| &f.path == path) {
            f.documents -= n;
            f.notes.duplicates_elsewhere += n;
            f.notes.duplicate_of.get_or_insert_with(|| first.clone());
            if f.documents == 0 {
                f.status = "skipped".into();
                f.skipped = Some(format!("duplicate of {}", first.split(':').next().unwrap_or(first)));
            }
        }
    }
    for (path, warnings) in renamed_by_path {
        if let Some(fs) = st.files.get_mut(&path) {
            fs.notes.warnings.extend(warnings.iter().cloned());
        }
        if let Some(f) = files.iter_mut().find(|f| f.path == path) {
            f.notes.warnings.extend(warnings);
        }
    }
    st.files.retain(|_, f| f.documents > 0);
    files.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
    let opstamp = writer.commit(&mut st)?;
    writer.finish()?;
    counts.added = merged.searcher()?.num_docs() as usize;
    let summary: IndexSummary = report::summarize(&merged, &counts, files, opstamp, true)?;
    report::write_manifest(merged.dir(), &summary)?;
    Ok(MergeSummary {
        shards: shards.len(),
        documents: summary.documents,
        duplicates_across_shards: dropped_of.values().map(|v| v.0).sum(),
        ids_renamed: renamed.len(),
        by_lang: summary.by_lang,
    })
}

/// The shards must be `0..N` of one `N`, each once.
fn check_shard_set(shards: &[(&Path, Shard)]) -> Result<()> {
    let n = shards[0].1.count;
    if let Some((dir, s)) = shards.iter().find(|(_, s)| s.count != n) {
        return Err(Error::Invalid(format!(
            "{} is shard {s}, {} is shard {}: shards of one merge have one count",
            dir.display(),
            shards[0].0.display(),
            shards[0].1
        )));
    }
    let mut by_index: BTreeMap<u32, &Path> = BTreeMap::new();
    for (dir, s) in shards {
        if let Some(other) = by_index.insert(s.index, dir) {
            return Err(Error::Invalid(format!(
                "{} and {} are both shard {s}: overlapping shards",
                other.display(),
                dir.display()
            )));
        }
    }
    let missing: Vec<String> = (0..n).filter(|i| !by_index.contains_key(i)).map(|i| i.to_string()).collect();
    if !missing.is_empty() {
        return Err(Error::Invalid(format!(
            "shard{} {} of {n} missing: index {} and merge again",
            if missing.len() == 1 { " is" } else { "s are" },
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )));
    }
    Ok(())
}

fn read_manifest(dir: &Path) -> Result<IndexSummary> {
    let p = dir.join(MANIFEST);
    let raw = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
    serde_json::from_slice(&raw)
        .map_err(|e| Error::Invalid(format!("{}: the manifest cannot be read ({e})", p.display())))
}

/// The live documents of segment `g` of `idx`: stored path, line and id,
/// and the text hash (an indexed, not stored, field) from its postings.
fn segment_docs(idx: &KorpusIndex, searcher: &tantivy::Searcher, shard: usize, g: usize) -> Result<Vec<DocRef>> {
    let reader = &searcher.segment_readers()[g];
    let f = idx.fields();
    let mut hash_of: HashMap<DocId, String> = HashMap::new();
    let inv = reader.inverted_index(f.text_hash)?;
    let io = |e: std::io::Error| Error::io(idx.dir(), e);
    let mut terms = inv.terms().stream().map_err(io)?;
    while terms.advance() {
        let h = String::from_utf8_lossy(terms.key()).into_owned();
        let mut postings = inv.read_postings_from_terminfo(terms.value(), tantivy::schema::IndexRecordOption::Basic).map_err(io)?;
        use tantivy::DocSet;
        let mut d = postings.doc();
        while d != tantivy::TERMINATED {
            hash_of.insert(d, h.clone());
            d = postings.advance();
        }
    }
    let store = reader.get_store_reader(64).map_err(io)?;
    let mut out = Vec::new();
    for doc in reader.doc_ids_alive() {
        let td: TantivyDocument = store.get(doc)?;
        let text = |field| td.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
        out.push(DocRef {
            shard,
            segment: g,
            doc,
            path: text(f.path),
            line: td.get_first(f.line).and_then(|v| v.as_u64()),
            id: text(f.id),
            text_hash: hash_of.remove(&doc).unwrap_or_default(),
        });
    }
    Ok(out)
}
