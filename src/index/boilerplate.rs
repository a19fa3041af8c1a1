//! Boilerplate kept out of statistics and themes.
//!
//! Lines that recur in many documents of one source (comment forms, share
//! buttons, "Was this article helpful?") and known ad markers (`[ad_1]`,
//! `$config[code] not found`, anonymous bylines) stay in the index, so they are
//! searchable, but statistics and themes skip their tokens by default. A first
//! pass over the stored texts counts lines per source (the file's folder); the
//! counts are sums, so the result does not depend on order or threads.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

use super::KorpusIndex;
use crate::corpus::{AnalyzedDoc, View};
use crate::error::Result;
use crate::ingest::boilerplate::{source_of, LineCounts};

/// Line counts per source, from which each document's boilerplate ranges follow.
#[derive(Debug, Default)]
pub struct Boilerplate {
    sources: HashMap<String, LineCounts>,
}

impl Boilerplate {
    /// Byte ranges of the boilerplate lines of a document's text.
    pub fn ranges(&self, path: &str, text: &str) -> Vec<std::ops::Range<usize>> {
        match self.sources.get(source_of(path)) {
            Some(c) => c.ranges(text),
            None => Vec::new(),
        }
    }
}

impl KorpusIndex {
    /// Count the lines of every document of a subset, per source.
    pub fn boilerplate(&self, subset: Option<&str>) -> Result<Boilerplate> {
        let (searcher, addrs) = self.subset(subset)?;
        let f = self.fields().clone();
        let mut b = Boilerplate::default();
        for chunk in addrs.chunks(1024) {
            let docs: Vec<(String, String)> = chunk
                .par_iter()
                .map(|(_, a)| {
                    let d: TantivyDocument = searcher.doc(*a)?;
                    let s = |field| {
                        d.get_first(field)
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_string()
                    };
                    Ok((s(f.path), s(f.text)))
                })
                .collect::<Result<_>>()?;
            for (path, text) in &docs {
                b.sources
                    .entry(source_of(path).to_string())
                    .or_default()
                    .observe(text);
            }
        }
        Ok(b)
    }

    /// Like [`KorpusIndex::for_each_batch`], but each document as `view`
    /// shows it: boilerplate lines left out of its tokens unless
    /// `keep_boilerplate`, then only the token kinds of `include` kept (the
    /// others counted in `kind_counts`).
    pub fn for_each_clean_batch(
        &self,
        subset: Option<&str>,
        batch: usize,
        view: View,
        mut f: impl FnMut(Vec<AnalyzedDoc>) -> Result<()> + Send,
    ) -> Result<usize> {
        let bp = if view.keep_boilerplate {
            None
        } else {
            Some(self.boilerplate(subset)?)
        };
        self.for_each_batch(subset, batch, |mut docs| {
            docs.par_iter_mut().for_each(|d| {
                if let Some(bp) = &bp {
                    let ranges = bp.ranges(&d.doc.path, &d.doc.body);
                    d.exclude(&ranges);
                }
                d.keep_kinds(view.include);
            });
            f(docs)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::index::KorpusIndex;
    use crate::pipeline::{index_paths, IndexOptions};
    use crate::corpus::View;

    #[test]
    fn markers_and_repeated_lines_leave_statistics_but_stay_searchable() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir_all(&input).unwrap();
        for i in 0..4 {
            let text = format!(
                "Lieferung Nummer {i} kam zu spät an und der Kunde war verärgert.\n[ad_1]\nWar dieser Artikel hilfreich?\n"
            );
            std::fs::write(input.join(format!("{i}.txt")), text).unwrap();
        }
        let idx = KorpusIndex::open_or_create(&dir.path().join("idx")).unwrap();
        index_paths(&idx, &[input], &IndexOptions::default(), &|_, _| {}).unwrap();
        let mut terms = Vec::new();
        idx.for_each_clean_batch(None, 10, View::default(), |docs| {
            for d in docs {
                terms.extend(d.tokens.iter().map(|t| t.normalized.clone()));
            }
            Ok(())
        })
        .unwrap();
        assert!(terms.iter().any(|t| t == "lieferung"));
        assert!(
            !terms.iter().any(|t| t == "hilfreich" || t == "ad_1"),
            "{terms:?}"
        );
        let hits = idx.search("hilfreich", &Default::default()).unwrap();
        assert_eq!(hits.total, 4, "boilerplate is still searchable");
    }
}
