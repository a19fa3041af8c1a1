//! Links between themes of different languages, by shared anchors,
//! translation pairs and the lexicon; linked groups become cross-lingual
//! themes.

use super::*;

impl ThemeBuilder {
    /// Link themes of different languages; linked groups become cross-lingual themes.
    pub(super) fn crosslingual(
        &self,
        drafts: &[(Lang, Vec<Draft>)],
        pairs: &[Pair],
        unit_totals: &BTreeMap<Lang, usize>,
    ) -> Vec<Theme> {
        let flat: Vec<(Lang, &Draft)> = drafts
            .iter()
            .flat_map(|(l, ds)| ds.iter().map(move |d| (*l, d)))
            .collect();
        let id_of: HashMap<&str, u32> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i as u32))
            .collect();
        let trans: Vec<(u32, u32)> = pairs
            .iter()
            .filter(|p| p.kind == PairKind::Translation)
            .filter_map(|p| Some((*id_of.get(p.a.as_str())?, *id_of.get(p.b.as_str())?)))
            .collect();
        // Best link of every theme towards every other language.
        struct Link {
            score: f64,
            evidence: String,
        }
        let mut links: BTreeMap<(usize, usize), Link> = BTreeMap::new();
        for i in 0..flat.len() {
            for j in i + 1..flat.len() {
                let ((la, a), (lb, b)) = (flat[i], flat[j]);
                if la == lb {
                    continue;
                }
                let mut shared: Vec<u32> = a
                    .anchors
                    .keys()
                    .filter(|k| b.anchors.contains_key(k))
                    .copied()
                    .collect();
                let (mut num, mut den) = (0.0, 0.0);
                for (&k, &c) in &a.anchors {
                    let w = self.anchor_weight(k);
                    let d = b.anchors.get(&k).copied().unwrap_or(0);
                    num += w * c.min(d) as f64;
                    den += w * c.max(d) as f64;
                }
                for (&k, &c) in &b.anchors {
                    if !a.anchors.contains_key(&k) {
                        den += self.anchor_weight(k) * c as f64;
                    }
                }
                let wj = if den > 0.0 { num / den } else { 0.0 };
                let unit_docs =
                    a.theme.unit == UnitKind::Document && b.theme.unit == UnitKind::Document;
                let tp: Vec<String> = if unit_docs {
                    trans
                        .iter()
                        .filter(|(x, y)| {
                            (a.docs.contains(x) && b.docs.contains(y))
                                || (a.docs.contains(y) && b.docs.contains(x))
                        })
                        .map(|&(x, y)| {
                            format!(
                                "{} ~ {}",
                                self.docs[x as usize].id, self.docs[y as usize].id
                            )
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let lex = match &self.opts.lexicon {
                    Some(l) => l.matches(la, &a.theme.stems, lb, &b.theme.stems),
                    None => Vec::new(),
                };
                let anchor_ok = shared.len() >= 2 && wj >= 0.1;
                if !(anchor_ok || !tp.is_empty() || lex.len() >= 2) {
                    continue;
                }
                shared.sort_by(|&p, &q| {
                    let (cp, cq) = (a.anchors[&p] + b.anchors[&p], a.anchors[&q] + b.anchors[&q]);
                    cq.cmp(&cp).then_with(|| {
                        self.anchors[p as usize]
                            .key
                            .cmp(&self.anchors[q as usize].key)
                    })
                });
                let mut parts = Vec::new();
                if !shared.is_empty() {
                    let shown: Vec<&str> = shared
                        .iter()
                        .take(12)
                        .map(|&k| self.anchors[k as usize].key.as_str())
                        .collect();
                    parts.push(format!(
                        "{} shared anchors (weighted Jaccard {wj:.3}): {}",
                        shared.len(),
                        shown.join(", ")
                    ));
                }
                if !tp.is_empty() {
                    parts.push(format!("translation pairs: {}", tp.join(", ")));
                }
                if !lex.is_empty() {
                    parts.push(format!("lexicon: {}", lex.join(", ")));
                }
                let score = if anchor_ok { wj } else { 0.0 }
                    + 0.5 * tp.len() as f64
                    + 0.2 * lex.len() as f64;
                links.insert(
                    (i, j),
                    Link {
                        score,
                        evidence: format!("{} ↔ {}: {}", a.theme.id, b.theme.id, parts.join("; ")),
                    },
                );
            }
        }
        // Keep, per theme and other language, only the best link (ties: lower index).
        let mut keep: BTreeSet<(usize, usize)> = BTreeSet::new();
        for i in 0..flat.len() {
            let mut best: BTreeMap<Lang, ((usize, usize), f64)> = BTreeMap::new();
            for (&(p, q), l) in &links {
                if p != i && q != i {
                    continue;
                }
                let other = if p == i { q } else { p };
                let e = best.entry(flat[other].0).or_insert(((p, q), f64::MIN));
                if l.score > e.1 {
                    *e = ((p, q), l.score);
                }
            }
            for (_, (k, _)) in best {
                keep.insert(k);
            }
        }
        // Union-find.
        let mut parent: Vec<usize> = (0..flat.len()).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            let mut y = x;
            while p[y] != r {
                let nx = p[y];
                p[y] = r;
                y = nx;
            }
            r
        }
        for &(p, q) in &keep {
            let (rp, rq) = (find(&mut parent, p), find(&mut parent, q));
            if rp != rq {
                parent[rp.max(rq)] = rp.min(rq);
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..flat.len() {
            let r = find(&mut parent, i);
            groups.entry(r).or_default().push(i);
        }
        let mut out = Vec::new();
        for (_, g) in groups {
            if g.len() < 2 {
                continue;
            }
            let mut members: BTreeMap<Lang, Vec<String>> = BTreeMap::new();
            let mut terms = Vec::new();
            let mut stems = Vec::new();
            let mut docs = Vec::new();
            let mut paths = Vec::new();
            let mut locations = Vec::new();
            let mut units = Vec::new();
            let mut labels = Vec::new();
            let mut size = 0;
            let mut coh = 0.0;
            for &i in &g {
                let (l, d) = flat[i];
                members.entry(l).or_default().push(d.theme.id.clone());
                terms.extend(d.theme.terms.iter().take(5).cloned());
                stems.extend(d.theme.stems.iter().take(5).cloned());
                docs.extend(d.theme.docs.iter().take(3).cloned());
                paths.extend(d.theme.paths.iter().take(3).cloned());
                locations.extend(d.theme.locations.iter().take(3).cloned());
                units.extend(d.theme.units.iter().take(2).cloned());
                labels.push(format!("[{}] {}", l.code(), d.theme.label));
                size += d.theme.size;
                coh += d.theme.coherence;
            }
            let mut seen = BTreeSet::new();
            let keep_idx: Vec<bool> = docs
                .iter()
                .map(|d: &String| seen.insert(d.clone()))
                .collect();
            let mut it = keep_idx.iter();
            docs.retain(|_| *it.next().unwrap());
            let mut it = keep_idx.iter();
            paths.retain(|_| *it.next().unwrap());
            let mut it = keep_idx.iter();
            locations.retain(|_| *it.next().unwrap());
            let lang_units: usize = members
                .keys()
                .map(|l| unit_totals.get(l).copied().unwrap_or(0))
                .sum();
            let evidence: Vec<String> = keep
                .iter()
                .filter(|(p, q)| g.contains(p) && g.contains(q))
                .map(|k| links[k].evidence.clone())
                .collect();
            let langs: Vec<Lang> = members.keys().copied().collect();
            out.push(Theme {
                id: String::new(),
                langs,
                label: labels.join(" | "),
                terms,
                stems,
                docs,
                paths,
                locations,
                units,
                unit: flat[g[0]].1.theme.unit,
                size,
                coverage: round(size as f64 / lang_units.max(1) as f64),
                coherence: round(coh / g.len() as f64),
                evidence,
                members,
            });
        }
        for (i, t) in out.iter_mut().enumerate() {
            t.id = format!("x-{}", i + 1);
        }
        out
    }
}
