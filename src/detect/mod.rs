//! Language identification: which target language a text is in, or `und`.
//!
//! Built on whatlang restricted to the configured targets.

use serde::Serialize;

use crate::lang::Lang;

/// The language of a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// A target language, or `Und`.
    pub lang: Lang,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// For `Und`: the most likely other language (ISO 639-1/3 code), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

impl Detection {
    /// An undetermined result.
    pub fn und(other: Option<String>) -> Self {
        Detection {
            lang: Lang::Und,
            confidence: 0.0,
            other,
        }
    }
}

/// A span of a document with its own language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Byte offset of the segment start.
    pub start: usize,
    /// Byte offset just past the segment end.
    pub end: usize,
    /// The segment's language.
    #[serde(flatten)]
    pub detection: Detection,
}

/// A language detector restricted to a set of target languages.
#[derive(Debug, Clone)]
pub struct Detector {
    targets: Vec<Lang>,
    whatlang: whatlang::Detector,
}

impl Detector {
    /// A detector for the given targets (`Und` in the list is ignored).
    pub fn new(targets: &[Lang]) -> Self {
        let targets: Vec<Lang> = targets
            .iter()
            .copied()
            .filter(|&l| l != Lang::Und)
            .collect();
        let allow: Vec<whatlang::Lang> = targets.iter().filter_map(|l| l.whatlang()).collect();
        Detector {
            whatlang: whatlang::Detector::with_allowlist(allow),
            targets,
        }
    }

    /// The target languages.
    pub fn targets(&self) -> &[Lang] {
        &self.targets
    }

    /// Detect the language of a text.
    pub fn detect(&self, text: &str) -> Detection {
        let letters = text.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 3 || self.targets.is_empty() {
            return Detection::und(None);
        }
        match self.whatlang.detect(text) {
            Some(info) => match Lang::from_whatlang(info.lang()) {
                Some(l) => Detection {
                    lang: l,
                    confidence: info.confidence(),
                    other: None,
                },
                None => Detection::und(Some(info.lang().code().to_string())),
            },
            None => Detection::und(None),
        }
    }

    /// Split a document into segments (paragraphs) with their own language,
    /// merging neighbours of the same language. Covers the whole text.
    pub fn segments(&self, text: &str) -> Vec<Segment> {
        let doc = self.detect(text);
        let mut out: Vec<Segment> = Vec::new();
        let mut start = 0;
        for (i, _) in text
            .match_indices("\n\n")
            .chain(std::iter::once((text.len(), "")))
        {
            let end = i;
            if end <= start {
                continue;
            }
            let para = &text[start..end];
            let d = if para.chars().filter(|c| c.is_alphabetic()).count() < 40 {
                doc.clone()
            } else {
                self.detect(para)
            };
            match out.last_mut() {
                Some(last) if last.detection.lang == d.lang => last.end = end,
                _ => out.push(Segment {
                    start,
                    end,
                    detection: d,
                }),
            }
            start = end;
        }
        if let Some(last) = out.last_mut() {
            last.end = text.len();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_target_on_a_sentence() {
        let d = Detector::new(&Lang::TARGETS);
        let cases = [
            ("نشرنا في الأسبوع الماضي بيانًا صحفيًا حول دراسة", Lang::Ar),
            (
                "Die Studie ergab, dass weibliche Unternehmer auf Kundenservice fokussiert sind.",
                Lang::De,
            ),
            (
                "سازمان ها معتقدند که این دقیقاً همان چیزی است که مشتری می خواهد",
                Lang::Fa,
            ),
            (
                "Эти этапы направлены на установление долгосрочных отношений",
                Lang::Ru,
            ),
            (
                "Biti osredotočen na stranke pomeni vedeti naj stranka postane osrednja točka",
                Lang::Sl,
            ),
        ];
        for (text, lang) in cases {
            assert_eq!(d.detect(text).lang, lang, "{text}");
        }
    }

    #[test]
    fn too_short_is_und() {
        assert_eq!(Detector::new(&Lang::TARGETS).detect("ok").lang, Lang::Und);
    }
}
