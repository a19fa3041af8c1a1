//! Fitting one language: the TF-IDF unit × term matrix, K chosen from the
//! data (or given), NMF, and the themes of the fit (terms, labels,
//! representatives, coherence, stability).

use super::*;

pub(super) struct Draft {
    pub(super) theme: Theme,
    /// Ranked keyphrase labels of the members (at most 10).
    pub(super) phrases: Vec<String>,
    /// Valid anchors of member units with counts.
    pub(super) anchors: BTreeMap<u32, u32>,
    /// Member document indices.
    pub(super) docs: BTreeSet<u32>,
}

pub(super) struct LangFit {
    pub(super) drafts: Vec<Draft>,
    pub(super) assign: Vec<Option<usize>>,
    pub(super) quality: LangQuality,
}

impl ThemeBuilder {
    fn build_matrix(&self, units: &[Unit], acc: &LangAcc) -> (Csr, Vec<u32>) {
        let n = units.len();
        let mut df: HashMap<u32, u32> = HashMap::default();
        for u in units {
            for &(t, _) in &u.counts {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let max_df = if n >= 10 {
            ((self.opts.max_df_ratio * n as f64).floor() as u32).max(2)
        } else {
            n as u32
        };
        let select = |min_df: u32| {
            let mut v: Vec<(u32, u32)> = df
                .iter()
                .filter(|(_, &d)| d >= min_df && d <= max_df)
                .map(|(&t, &d)| (t, d))
                .collect();
            v.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| acc.terms[a.0 as usize].cmp(&acc.terms[b.0 as usize]))
            });
            v.truncate(self.opts.max_vocab);
            v
        };
        let mut vocab = select(self.opts.min_df as u32);
        if vocab.len() < 10 {
            vocab = select(1);
        }
        vocab.sort_by(|a, b| acc.terms[a.0 as usize].cmp(&acc.terms[b.0 as usize]));
        let col: HashMap<u32, (u32, f64)> = vocab
            .iter()
            .enumerate()
            .map(|(c, &(t, d))| {
                (
                    t,
                    (c as u32, ((1.0 + n as f64) / (1.0 + d as f64)).ln() + 1.0),
                )
            })
            .collect();
        let mut x = Csr::new(vocab.len());
        let mut row: Vec<(u32, f64)> = Vec::new();
        for u in units {
            row.clear();
            for &(t, c) in &u.counts {
                if let Some(&(ci, idf)) = col.get(&t) {
                    row.push((ci, (1.0 + (c as f64).ln()) * idf));
                }
            }
            row.sort_by_key(|p| p.0);
            let norm = row.iter().map(|p| p.1 * p.1).sum::<f64>().sqrt();
            for p in row.iter_mut() {
                p.1 /= norm;
            }
            x.push_row(&row);
        }
        (x, vocab.into_iter().map(|p| p.0).collect())
    }

    pub(super) fn fit_language(
        &self,
        lang: Lang,
        acc: &LangAcc,
        units: &[Unit],
        kind: UnitKind,
        stab_seeds: &[u64],
    ) -> LangFit {
        let n = units.len();
        let (x, cols) = self.build_matrix(units, acc);
        let rows: Vec<Vec<u32>> = (0..n).map(|i| x.row(i).0.to_vec()).collect();
        let top_n = self.opts.top_terms.max(1);
        let tops_of =
            |f: &cluster::Nmf, n: usize| (0..f.k).map(|a| f.top_terms(a, n)).collect::<Vec<_>>();
        // Choose K.
        let mut k_scores = Vec::new();
        let (k, k_from) = match self.opts.k {
            Some(k) => (k.clamp(1, n.max(1)), "option"),
            None => {
                let kmax = self.opts.max_k.min(n / 5).max(2).min(n.max(1));
                if n < 4 || x.ncols < 2 {
                    (1, "data")
                } else {
                    let stride = n.div_ceil(K_SAMPLE).max(1);
                    let sample: Vec<usize> = (0..n).step_by(stride).collect();
                    let xs = x.select(&sample);
                    let srows: Vec<Vec<u32>> = sample.iter().map(|&i| rows[i].clone()).collect();
                    let mut best = (2usize, f64::MIN);
                    for k in 2..=kmax {
                        let f = cluster::nmf(&xs, k, self.opts.seed, self.opts.nmf_iters.min(80));
                        let tops = tops_of(&f, 10);
                        let coh: Vec<f64> = tops
                            .iter()
                            .map(|t| {
                                quality::npmi(
                                    &t.iter().map(|&c| c as u32).collect::<Vec<_>>(),
                                    &srows,
                                )
                            })
                            .collect();
                        let mean_coh = coh.iter().sum::<f64>() / coh.len().max(1) as f64;
                        let div = quality::diversity(
                            &tops
                                .iter()
                                .map(|t| t.iter().map(|c| c.to_string()).collect())
                                .collect::<Vec<_>>(),
                            10,
                        );
                        // Support: share of sampled units containing at least one
                        // top-10 term of their own theme (catches merged themes,
                        // which top-term coherence cannot see).
                        let mut sup = 0usize;
                        let mut tot = 0usize;
                        for (r, row) in srows.iter().enumerate() {
                            if let Some(a) = f.assign(r) {
                                tot += 1;
                                if tops[a]
                                    .iter()
                                    .any(|&c| row.binary_search(&(c as u32)).is_ok())
                                {
                                    sup += 1;
                                }
                            }
                        }
                        let support = if tot == 0 {
                            0.0
                        } else {
                            sup as f64 / tot as f64
                        };
                        let score = div * (1.0 + mean_coh) / 2.0 * support;
                        k_scores.push((k, round(score)));
                        if score > best.1 + 1e-9 {
                            best = (k, score);
                        }
                    }
                    (best.0, "data")
                }
            }
        };
        // Stability: refits on seeded 80 % subsamples, run in parallel with
        // the main fit (they need only its number of components).
        let k_eff = k.max(1).min(x.rows().max(1)).min(x.ncols.max(1));
        let with_stability = !stab_seeds.is_empty() && n >= 4;
        let (f, refits) = rayon::join(
            || cluster::nmf(&x, k, self.opts.seed, self.opts.nmf_iters),
            || {
                use rayon::prelude::*;
                if !with_stability {
                    return Vec::new();
                }
                stab_seeds
                    .par_iter()
                    .map(|&seed| {
                        let mut rng = Rng::new(seed);
                        let sub: Vec<usize> = (0..n).filter(|_| rng.f64() < 0.8).collect();
                        cluster::nmf(&x.select(&sub), k_eff, seed, self.opts.nmf_iters)
                    })
                    .collect::<Vec<_>>()
            },
        );
        debug_assert_eq!(f.k, k_eff);
        let assign_raw: Vec<Option<usize>> = (0..n).map(|i| f.assign(i)).collect();
        let full_tops = tops_of(&f, top_n);
        let stability = if with_stability {
            let mut s = 0.0;
            for g in &refits {
                s += quality::matched_overlap(&full_tops, &tops_of(g, top_n));
            }
            Some(round(s / stab_seeds.len() as f64))
        } else {
            None
        };
        // Phrase statistics of this language's units.
        let mut phrase_units: HashMap<&str, u32> = HashMap::default();
        for u in units {
            for &p in &u.phrases {
                *phrase_units
                    .entry(
                        self.docs[u.doc as usize].keyphrases[p as usize]
                            .key
                            .as_str(),
                    )
                    .or_insert(0) += 1;
            }
        }
        // Drafts.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); f.k];
        for (i, a) in assign_raw.iter().enumerate() {
            if let Some(a) = a {
                members[*a].push(i);
            }
        }
        let mut drafts: Vec<(usize, Draft)> = Vec::new();
        for a in 0..f.k {
            if members[a].is_empty() {
                continue;
            }
            let mem = &members[a];
            let top = &full_tops[a];
            let stems: Vec<String> = top
                .iter()
                .map(|&c| acc.terms[cols[c] as usize].clone())
                .collect();
            let terms: Vec<String> = top
                .iter()
                .map(|&c| {
                    let sv = &acc.surfaces[cols[c] as usize];
                    sv.iter()
                        .max_by(|p, q| p.1.cmp(&q.1).then_with(|| q.0.cmp(&p.0)))
                        .map(|p| p.0.clone())
                        .unwrap_or_default()
                })
                .collect();
            let coherence = round(quality::npmi(
                &top.iter().map(|&c| c as u32).collect::<Vec<_>>(),
                &rows,
            ));
            // Keyness of top terms: unit frequency in theme vs rest (log-ratio, +0.5 smoothing).
            let in_theme = mem.len() as f64;
            let rest = (n - mem.len()) as f64;
            let mut is_member = vec![false; n];
            for &i in mem {
                is_member[i] = true;
            }
            let lr = |inside: f64, outside: f64| {
                if rest == 0.0 {
                    0.0
                } else {
                    (((inside + 0.5) / in_theme) / ((outside + 0.5) / rest)).log2()
                }
            };
            let mut key_ev = Vec::new();
            for (&c, term) in top.iter().zip(&terms).take(5) {
                let inside = mem
                    .iter()
                    .filter(|&&i| rows[i].binary_search(&(c as u32)).is_ok())
                    .count() as f64;
                let total = (0..n)
                    .filter(|&i| rows[i].binary_search(&(c as u32)).is_ok())
                    .count() as f64;
                key_ev.push(format!("{term} {:+.2}", lr(inside, total - inside)));
            }
            // Label from keyphrases.
            let mut pscore: HashMap<&str, (f64, u32)> = HashMap::default();
            let mut plabels: HashMap<&str, HashMap<String, u32>> = HashMap::default();
            for &i in mem {
                let u = &units[i];
                for &p in &u.phrases {
                    let kp = &self.docs[u.doc as usize].keyphrases[p as usize];
                    let e = pscore.entry(kp.key.as_str()).or_insert((0.0, 0));
                    e.0 += 1.0 / (1.0 + p as f64);
                    e.1 += 1;
                    *plabels
                        .entry(kp.key.as_str())
                        .or_default()
                        .entry(kp.label.clone())
                        .or_insert(0) += 1;
                }
            }
            let mut ranked: Vec<(&str, f64)> = pscore
                .iter()
                .map(|(&k, &(s, inside))| {
                    let total = phrase_units[k] as f64;
                    let key = lr(inside as f64, total - inside as f64);
                    (k, s * if key > 0.0 { key } else { 0.05 })
                })
                .collect();
            ranked.sort_by(|p, q| q.1.total_cmp(&p.1).then_with(|| p.0.cmp(q.0)));
            let mut phrases: Vec<String> = Vec::new();
            for (k, _) in &ranked {
                let l = keyphrase::best_surface(&plabels[k]);
                if !phrases.iter().any(|p| p.to_lowercase() == l.to_lowercase()) {
                    phrases.push(l);
                }
                if phrases.len() == 10 {
                    break;
                }
            }
            // Final labels are picked after sorting (unique within the language).
            let label = if phrases.is_empty() {
                terms
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ")
            } else {
                String::new()
            };
            // Representatives.
            let mut by_w: Vec<usize> = mem.clone();
            by_w.sort_by(|&i, &j| {
                f.w[j * f.k + a]
                    .total_cmp(&f.w[i * f.k + a])
                    .then(i.cmp(&j))
            });
            let mut docs = Vec::new();
            let mut paths = Vec::new();
            let mut locations = Vec::new();
            let mut doc_set = BTreeSet::new();
            for &i in &by_w {
                let d = units[i].doc;
                if doc_set.insert(d) && docs.len() < 10 {
                    let info = &self.docs[d as usize];
                    docs.push(info.id.clone());
                    paths.push(info.path.clone());
                    locations.push(crate::corpus::location(&info.path, info.line));
                }
            }
            let reps = by_w
                .iter()
                .take(5)
                .map(|&i| self.unit_label(&units[i], kind))
                .collect();
            let mut anchors = BTreeMap::new();
            for &i in mem {
                for &an in &units[i].anchors {
                    if self.anchor_valid(an) {
                        *anchors.entry(an).or_insert(0) += 1;
                    }
                }
            }
            let what = match kind {
                UnitKind::Document => "documents",
                UnitKind::Passage => "passages",
            };
            let evidence = vec![format!(
                "keyness (log2 ratio, {what} in theme vs rest of {}): {}",
                lang.code(),
                key_ev.join(", ")
            )];
            drafts.push((
                a,
                Draft {
                    theme: Theme {
                        id: String::new(),
                        langs: vec![lang],
                        label,
                        terms,
                        stems,
                        docs,
                        paths,
                        locations,
                        units: reps,
                        unit: kind,
                        size: mem.len(),
                        coverage: round(mem.len() as f64 / n as f64),
                        coherence,
                        evidence,
                        members: BTreeMap::new(),
                    },
                    anchors,
                    phrases,
                    docs: doc_set,
                },
            ));
        }
        drafts.sort_by(|(_, p), (_, q)| {
            q.theme
                .size
                .cmp(&p.theme.size)
                .then_with(|| p.theme.stems.cmp(&q.theme.stems))
        });
        // Labels: top 3 member keyphrases not already used by a larger theme
        // of the language (falls back to the top terms).
        let mut used: BTreeSet<String> = BTreeSet::new();
        for (_, d) in drafts.iter_mut() {
            // Skip phrases contained in (or containing) a label phrase of a
            // larger theme, and phrases sharing a word with one already picked.
            let mut pick: Vec<String> = Vec::new();
            for p in &d.phrases {
                let lp = p.to_lowercase();
                let words: Vec<&str> = lp.split(' ').collect();
                let clash_used = used
                    .iter()
                    .any(|u| u.contains(&lp) || lp.contains(u.as_str()));
                let clash_pick = pick
                    .iter()
                    .any(|q| q.to_lowercase().split(' ').any(|w| words.contains(&w)));
                if clash_used || clash_pick {
                    continue;
                }
                pick.push(p.clone());
                if pick.len() == 3 {
                    break;
                }
            }
            if !pick.is_empty() {
                used.extend(pick.iter().map(|p| p.to_lowercase()));
                d.theme.label = pick.join(" / ");
            } else {
                d.theme.label = d
                    .theme
                    .terms
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ");
            }
        }
        let mut comp_to_draft = vec![None; f.k];
        for (i, (a, d)) in drafts.iter_mut().enumerate() {
            d.theme.id = format!("{}-{}", lang.code(), i + 1);
            comp_to_draft[*a] = Some(i);
        }
        let assign: Vec<Option<usize>> = assign_raw
            .iter()
            .map(|a| a.and_then(|a| comp_to_draft[a]))
            .collect();
        let drafts: Vec<Draft> = drafts.into_iter().map(|(_, d)| d).collect();
        let assigned = assign.iter().filter(|a| a.is_some()).count();
        let tops25: Vec<Vec<String>> = (0..f.k)
            .filter(|&a| !members[a].is_empty())
            .map(|a| {
                f.top_terms(a, 25)
                    .iter()
                    .map(|&c| acc.terms[cols[c] as usize].clone())
                    .collect()
            })
            .collect();
        let coh: Vec<f64> = drafts.iter().map(|d| d.theme.coherence).collect();
        let quality = LangQuality {
            lang,
            unit: kind,
            docs: acc.n_docs,
            units: n,
            vocab: x.ncols,
            k: f.k,
            k_from,
            k_scores,
            coverage: round(if n == 0 {
                0.0
            } else {
                assigned as f64 / n as f64
            }),
            coherence: round(if coh.is_empty() {
                0.0
            } else {
                coh.iter().sum::<f64>() / coh.len() as f64
            }),
            diversity: round(quality::diversity(&tops25, 25)),
            stability,
        };
        LangFit {
            drafts,
            assign,
            quality,
        }
    }
}
