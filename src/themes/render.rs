//! Renderers: human-readable text and JSON lines.
//!
//! `render_jsonl`: one theme per line (language themes, then cross-lingual
//! themes), then one final line `{"quality": …}`. `render_pairs_jsonl`: one
//! pair per line `{"a":…,"b":…,"kind":"translation"|"near-duplicate","score":…,"evidence":[…],…}`.

use std::fmt::Write;

use super::{Pair, PairKind, Theme, ThemeReport};

fn theme_json(t: &Theme) -> serde_json::Value {
    serde_json::to_value(t).expect("theme serializes")
}

/// JSON lines: one theme per line, then `{"quality":…}`.
pub fn render_jsonl(r: &ThemeReport) -> String {
    let mut out = String::new();
    for t in &r.themes {
        out.push_str(&serde_json::to_string(&theme_json(t)).expect("json"));
        out.push('\n');
    }
    let q = serde_json::json!({ "quality": r.quality });
    out.push_str(&serde_json::to_string(&q).expect("json"));
    out.push('\n');
    out
}

/// JSON lines: one pair per line.
pub fn render_pairs_jsonl(pairs: &[Pair]) -> String {
    let mut out = String::new();
    for p in pairs {
        out.push_str(&serde_json::to_string(p).expect("json"));
        out.push('\n');
    }
    out
}

/// Human-readable pairs.
pub fn render_pairs_text(pairs: &[Pair]) -> String {
    let mut out = String::new();
    for p in pairs {
        let kind = match p.kind {
            PairKind::Translation => "translation",
            PairKind::NearDuplicate => "near-duplicate",
        };
        let _ = writeln!(
            out,
            "{kind} {:.3}  {} ({}) ~ {} ({})",
            p.score,
            crate::corpus::location(&p.a_path, p.a_line),
            p.langs[0],
            crate::corpus::location(&p.b_path, p.b_line),
            p.langs[1]
        );
        for e in &p.evidence {
            let _ = writeln!(out, "    {e}");
        }
    }
    out
}

/// Human-readable report: themes, then the quality block.
pub fn render_text(r: &ThemeReport) -> String {
    let mut out = String::new();
    for t in &r.themes {
        let langs: Vec<&str> = t.langs.iter().map(|l| l.code()).collect();
        let _ = writeln!(out, "{} [{}] {}", t.id, langs.join(","), t.label);
        if t.members.is_empty() {
            let _ = writeln!(
                out,
                "    size {} {:?}s ({:.1}% of the language), NPMI {:.3}",
                t.size,
                t.unit,
                t.coverage * 100.0,
                t.coherence
            );
        } else {
            let m: Vec<String> = t
                .members
                .iter()
                .map(|(l, ids)| format!("{}: {}", l.code(), ids.join(", ")))
                .collect();
            let _ = writeln!(
                out,
                "    members {}; size {}, mean NPMI {:.3}",
                m.join("; "),
                t.size,
                t.coherence
            );
        }
        let _ = writeln!(out, "    terms: {}", t.terms.join(", "));
        let _ = writeln!(out, "    docs: {}", t.locations.join(", "));
        if t.unit == super::UnitKind::Passage {
            let _ = writeln!(out, "    passages: {}", t.units.join(", "));
        }
        for e in &t.evidence {
            let _ = writeln!(out, "    evidence: {e}");
        }
    }
    let q = &r.quality;
    let _ = writeln!(
        out,
        "\nquality (seed {}, stability seeds {:?}):",
        q.seed, q.stability_seeds
    );
    let _ = writeln!(
        out,
        "  coverage {:.1}%, mean NPMI {:.3}, diversity(top-25) {:.3}, stability {}",
        q.coverage * 100.0,
        q.coherence,
        q.diversity,
        q.stability.map_or("n/a".to_string(), |s| format!("{s:.3}"))
    );
    for l in &q.langs {
        let _ = writeln!(
            out,
            "  {}: {} docs, {} {:?} units, vocab {}, K={} (from {}), coverage {:.1}%, NPMI {:.3}, diversity {:.3}, stability {}",
            l.lang.code(),
            l.docs,
            l.units,
            l.unit,
            l.vocab,
            l.k,
            l.k_from,
            l.coverage * 100.0,
            l.coherence,
            l.diversity,
            l.stability.map_or("n/a".to_string(), |s| format!("{s:.3}"))
        );
    }
    let _ = writeln!(
        out,
        "  cross-lingual themes {}, translation pairs {}, near-duplicates {}",
        q.crosslingual_themes, q.translation_pairs, q.near_duplicates
    );
    out
}

/// JSON lines: keyphrases of one document per line
/// `{"id":…,"lang":…,"keyphrases":[{"key":…,"label":…,"score":…,"count":…}]}`.
pub fn render_keyphrases_jsonl(r: &ThemeReport) -> String {
    let mut out = String::new();
    for d in &r.keyphrases {
        out.push_str(&serde_json::to_string(d).expect("json"));
        out.push('\n');
    }
    out
}
