//! Bytes → text: BOM, UTF-16 without BOM, strict UTF-8, then a detected
//! legacy encoding.
//!
//! Order of decisions (see [`detect`]):
//! 1. a forced encoding (`--encoding`) wins;
//! 2. a BOM (UTF-8, UTF-16LE, UTF-16BE);
//! 3. UTF-16 without BOM, recognised by NUL bytes sitting (almost) only at
//!    odd positions (LE) or only at even positions (BE);
//! 4. binary (NULs elsewhere, many control characters, known magic numbers);
//! 5. UTF-8, also when a few byte sequences are invalid: a file counts as
//!    "UTF-8 with N replacements" when its valid multi-byte sequences are at
//!    least as many as its invalid ones (legacy text decoded as UTF-8 has
//!    almost no valid multi-byte sequences);
//! 6. otherwise a legacy encoding: chardetng proposes one, then the
//!    Arabic, Cyrillic and Latin legacy encodings (chardetng's family
//!    first) are scored by letter plausibility for korpus' languages
//!    ([`plausibility`]); the best wins, chardetng's guess gets a small
//!    bonus for near-ties. If even the best reads as implausible (score
//!    below 0: symbols, stray letters), the file is UTF-8 with
//!    replacements after all (random garbage in ASCII text, a cut last
//!    character). Measured: chardetng alone names Russian KOI8-R "KOI8-U"
//!    and reads short Slovenian windows-1250 / ISO-8859-2 as windows-1252
//!    (see `chardetng_alone_gets_these_wrong`).

use encoding_rs::{
    Encoding, IBM866, ISO_8859_2, ISO_8859_5, KOI8_R, KOI8_U, UTF_16BE, UTF_16LE, UTF_8,
};
use encoding_rs::{WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1256};
use serde::Serialize;

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    /// The text (valid UTF-8, BOM removed).
    pub text: String,
    /// Encoding name as in the WHATWG Encoding Standard (`UTF-8`, `windows-1256` …).
    pub encoding: &'static str,
    /// Invalid byte sequences replaced with U+FFFD.
    pub replaced: usize,
}

/// Why a file's bytes are not a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum DecodeSkip {
    /// No bytes, or only whitespace.
    #[error("empty file")]
    Empty,
    /// Looks like a binary file (NUL bytes, control characters).
    #[error("binary file (NUL bytes or control characters, not text)")]
    Binary,
}

/// The encoding chosen for some bytes, before decoding them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detection {
    /// The encoding to decode with.
    pub encoding: &'static Encoding,
    /// Length of the byte order mark to drop (0 when there is none).
    pub bom_len: usize,
}

/// Bytes looked at to detect binary files and BOM-less UTF-16.
const SNIFF: usize = 64 * 1024;

/// Choose the encoding of `bytes` (the whole file, or its first part when
/// streaming). `forced` overrides detection (a BOM of that encoding is
/// still dropped). Does not check for emptiness.
pub fn detect(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Detection, DecodeSkip> {
    if forced.is_none() && plain_utf8(bytes).is_some() {
        return Ok(Detection {
            encoding: UTF_8,
            bom_len: 0,
        });
    }
    detect_not_plain(bytes, forced)
}

/// [`detect`] for bytes known not to be [`plain_utf8`] (or with a forced
/// encoding).
fn detect_not_plain(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> Result<Detection, DecodeSkip> {
    if let Some(enc) = forced {
        let bom_len = match Encoding::for_bom(bytes) {
            Some((e, n)) if e == enc => n,
            _ => 0,
        };
        return Ok(Detection {
            encoding: enc,
            bom_len,
        });
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(Detection {
            encoding: enc,
            bom_len,
        });
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if let Some(enc) = utf16_without_bom(head) {
        return Ok(Detection {
            encoding: enc,
            bom_len: 0,
        });
    }
    if looks_binary(head) {
        return Err(DecodeSkip::Binary);
    }
    let stats = utf8_stats(bytes);
    if stats.invalid == 0 || (stats.multibyte > 0 && stats.multibyte >= stats.invalid) {
        return Ok(Detection {
            encoding: UTF_8,
            bom_len: 0,
        });
    }
    // Legacy only if it reads as plausible letters and punctuation (score
    // >= 0): random garbage in an otherwise ASCII UTF-8 file, or a cut last
    // character, reads as symbols and stays "UTF-8 with replacements".
    let (enc, score) = legacy(bytes);
    let encoding = if score >= 0 { enc } else { UTF_8 };
    Ok(Detection {
        encoding,
        bom_len: 0,
    })
}

/// Decode bytes to text. `forced` overrides detection.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeSkip> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeSkip::Empty);
    }
    if forced.is_none() {
        if let Some(text) = plain_utf8(bytes) {
            return finish(text.to_owned(), UTF_8.name(), 0);
        }
    }
    let det = detect_not_plain(bytes, forced)?;
    let (text, replaced) = decode_with(det.encoding, &bytes[det.bom_len..]);
    finish(text, det.encoding.name(), replaced)
}

/// Nearly every file: no BOM, neither BOM-less UTF-16 nor binary (no NUL or
/// other bad control byte in its head, no magic number), and valid UTF-8.
/// One pass over the bytes decides it; [`detect`] would say UTF-8.
fn plain_utf8(bytes: &[u8]) -> Option<&str> {
    if Encoding::for_bom(bytes).is_some() {
        return None;
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if looks_binary_magic(head) || head.iter().any(|&b| is_bad_control_byte(b)) {
        return None;
    }
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Decode without BOM handling, counting replaced sequences.
fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    if enc == UTF_8 {
        let stats = utf8_stats(bytes);
        return (String::from_utf8_lossy(bytes).into_owned(), stats.invalid);
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let replaced = if had_errors {
        text.matches('\u{FFFD}').count()
    } else {
        0
    };
    (text.into_owned(), replaced)
}

fn finish(text: String, encoding: &'static str, replaced: usize) -> Result<Decoded, DecodeSkip> {
    if text.trim().is_empty() {
        return Err(DecodeSkip::Empty);
    }
    Ok(Decoded {
        text,
        encoding,
        replaced,
    })
}

/// Valid multi-byte sequences and invalid sequences (counted as
/// `String::from_utf8_lossy` replaces them) in UTF-8 bytes. An incomplete
/// sequence at the very end is counted as invalid.
#[derive(Debug, Default, Clone, Copy)]
struct Utf8Stats {
    multibyte: usize,
    invalid: usize,
}

fn utf8_stats(mut bytes: &[u8]) -> Utf8Stats {
    let mut s = Utf8Stats::default();
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                s.multibyte += valid.bytes().filter(|b| b & 0xC0 == 0xC0).count();
                return s;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                s.multibyte += valid.iter().filter(|b| *b & 0xC0 == 0xC0).count();
                s.invalid += 1;
                match e.error_len() {
                    Some(n) => bytes = &rest[n..],
                    None => return s,
                }
            }
        }
    }
}

/// UTF-16 without BOM: NULs almost only at odd (LE) or even (BE) positions,
/// in at least 1 of 20 code units, and the text decodes without errors.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in head[..pairs * 2].iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1
            } else {
                odd += 1
            }
        }
    }
    let enc = if odd * 20 >= pairs && even * 50 <= odd {
        UTF_16LE
    } else if even * 20 >= pairs && odd * 50 <= even {
        UTF_16BE
    } else {
        return None;
    };
    let (text, had_errors) = enc.decode_without_bom_handling(&head[..pairs * 2]);
    let controls = text.chars().filter(|c| is_bad_control(*c)).count();
    (!had_errors && controls * 100 <= text.chars().count()).then_some(enc)
}

/// An ASCII control byte other than tab, line and page breaks and escape
/// (any byte ≥ 0x80 is not).
fn is_bad_control_byte(b: u8) -> bool {
    (b < 0x20 || b == 0x7f) && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b)
}

fn is_bad_control(c: char) -> bool {
    c.is_ascii() && is_bad_control_byte(c as u8)
}

/// Whether `head` starts with the magic number of a binary format.
fn looks_binary_magic(head: &[u8]) -> bool {
    MAGIC.iter().any(|m| head.starts_with(m))
}

const MAGIC: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\x7fELF",
    b"%PDF-",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"\x28\xb5\x2f\xfd",
];

/// Binary: a known magic number, or NUL and other C0 control bytes in more
/// than 1 % of the sample (a stray NUL in a text file does not make it binary).
fn looks_binary(head: &[u8]) -> bool {
    if looks_binary_magic(head) {
        return true;
    }
    let bad = head.iter().filter(|&&b| is_bad_control_byte(b)).count();
    bad > 0 && bad * 100 >= head.len()
}

/// Legacy encodings that korpus' languages are written in, by script
/// family, in order of preference when two decode equally well.
/// ISO-8859-6 (no Persian letters) and KOI8-U are only tried when chardetng
/// proposes them; chardetng says KOI8-U for Russian KOI8-R text, which
/// decodes to the same Russian letters, so that guess is read as KOI8-R.
fn families() -> [Vec<&'static Encoding>; 3] {
    [
        vec![WINDOWS_1256],
        vec![WINDOWS_1251, KOI8_R, IBM866, ISO_8859_5],
        vec![WINDOWS_1252, WINDOWS_1250, ISO_8859_2],
    ]
}

/// Score bonus for chardetng's guess: it decides near-ties (a German
/// text whose only non-ASCII character is `…` is windows-1252, not IBM866).
const GUESS_BONUS: i64 = 2;

/// chardetng's guess alone (exposed for tests and diagnostics).
pub fn chardetng_guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(None, chardetng::Utf8Detection::Deny)
}

/// The most plausible legacy encoding: candidates are chardetng's guess,
/// the encodings of its family and then those of the other families; the
/// highest [`plausibility`] wins, ties go to the earlier candidate. Returns
/// the encoding, its score and the number of non-ASCII characters it
/// decodes to.
fn legacy(bytes: &[u8]) -> (&'static Encoding, i64) {
    let sample = &bytes[..bytes.len().min(1 << 20)];
    let mut guess = chardetng_guess(sample);
    if guess == KOI8_U {
        guess = KOI8_R;
    }
    let mut fams = families();
    fams.sort_by_key(|f| !f.contains(&guess));
    let mut candidates: Vec<&'static Encoding> = fams.into_iter().flatten().collect();
    if !candidates.contains(&guess) {
        candidates.insert(0, guess);
    }
    // (score with bonus, encoding, plain score)
    let mut best: Option<(i64, &'static Encoding, i64)> = None;
    for enc in candidates {
        let score = plausibility(&enc.decode_without_bom_handling(sample).0);
        let ranked = score + if enc == guess { GUESS_BONUS } else { 0 };
        if best.is_none_or(|(b, _, _)| ranked > b) {
            best = Some((ranked, enc, score));
        }
    }
    let (_, enc, score) = best.expect("candidates are never empty");
    (enc, score)
}

/// Character classes counted by [`plausibility`].
#[derive(Clone, Copy)]
enum Class {
    RuLower,
    RuUpper,
    Arabic,
    DeLower,
    DeUpper,
    SlLower,
    SlUpper,
    Neutral,
    OtherLetter,
    Symbol,
    Replacement,
}

fn class(c: char) -> Class {
    match c {
        'а'..='я' | 'ё' => Class::RuLower,
        'А'..='Я' | 'Ё' => Class::RuUpper,
        '\u{0621}'..='\u{064A}' | 'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => Class::Arabic,
        'ä' | 'ö' | 'ü' | 'ß' => Class::DeLower,
        'Ä' | 'Ö' | 'Ü' => Class::DeUpper,
        'č' | 'š' | 'ž' | 'ć' | 'đ' => Class::SlLower,
        'Č' | 'Š' | 'Ž' | 'Ć' | 'Đ' => Class::SlUpper,
        '،'
        | '؛'
        | '؟'
        | '\u{064B}'..='\u{0652}'
        | '\u{0660}'..='\u{0669}'
        | '\u{06F0}'..='\u{06F9}'
        | '\u{200C}'
        | '\u{200D}'
        | '«'
        | '»'
        | '„'
        | '“'
        | '”'
        | '‘'
        | '’'
        | '‚'
        | '–'
        | '—'
        | '…'
        | '€'
        | '\u{a0}'
        | '°'
        | '§'
        | '•'
        | '·'
        | '×'
        | '©'
        | '®'
        | '™' => Class::Neutral,
        '\u{FFFD}' => Class::Replacement,
        c if crate::chars::is_alphabetic(c) => Class::OtherLetter,
        _ => Class::Symbol,
    }
}

/// How plausible a decoded text is as one of korpus' languages (ar/fa, de,
/// ru, sl). Only non-ASCII characters count. For each language, its own
/// letters score (lowercase 2, uppercase 1), letters of the other
/// languages and other letters cost 1, symbols 3, U+FFFD 4; the best
/// language's score is taken (so `č` in a German text read as windows-1250
/// does not beat `è` from windows-1252). Then an uppercase letter right
/// after a lowercase one (`оРИВЕТ`, KOI8-R read as windows-1251) and a
/// change of script inside a word (`GrьЯe`) cost 3 each.
pub fn plausibility(text: &str) -> i64 {
    let mut n = [0i64; 11];
    let mut penalty = 0i64;
    let mut prev = ' ';
    for c in text.chars() {
        if !c.is_ascii() {
            n[class(c) as usize] += 1;
        }
        if crate::chars::is_alphabetic(c) && crate::chars::is_alphabetic(prev) {
            let case_flip =
                c.is_uppercase() && prev.is_lowercase() && !(c.is_ascii() && prev.is_ascii());
            if case_flip || script(c) != script(prev) {
                penalty += 3;
            }
        }
        prev = c;
    }
    use Class::*;
    let other = n[OtherLetter as usize] + 3 * n[Symbol as usize] + 4 * n[Replacement as usize];
    let letters: i64 = [RuLower, RuUpper, Arabic, DeLower, DeUpper, SlLower, SlUpper]
        .iter()
        .map(|c| n[*c as usize])
        .sum();
    let profiles: [&[(Class, i64)]; 4] = [
        &[(RuLower, 2), (RuUpper, 1)],
        &[(Arabic, 2)],
        &[(DeLower, 2), (DeUpper, 1)],
        &[(SlLower, 2), (SlUpper, 1)],
    ];
    let best = profiles
        .iter()
        .map(|p| {
            let own: i64 = p.iter().map(|(c, w)| w * n[*c as usize]).sum();
            let mine: i64 = p.iter().map(|(c, _)| n[*c as usize]).sum();
            own - (letters - mine)
        })
        .max()
        .unwrap_or(0);
    best - other - penalty
}

/// Script of a letter, coarsely: 0 Latin, 1 Cyrillic, 2 Arabic, 3 other.
fn script(c: char) -> u8 {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{C0}'..='\u{24F}' => 0,
        '\u{400}'..='\u{4FF}' => 1,
        '\u{600}'..='\u{6FF}' => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AR: &str = include_str!("../../corpus/000_d7641792b024f9ef.txt");
    const DE: &str = include_str!("../../corpus/001_a1b193377a60ba56.txt");
    const FA: &str = include_str!("../../corpus/002_a147d0884179ec09.txt");
    const RU: &str = include_str!("../../corpus/003_ccfd215703db1abf.txt");
    const SL: &str = include_str!("../../corpus/004_e2491033dfca4b44.txt");

    /// A realistic paragraph: the first `n` chars of the longest paragraph.
    fn paragraph(doc: &str, n: usize) -> String {
        let p = doc.split("\n\n").max_by_key(|p| p.len()).unwrap();
        p.chars().take(n).collect()
    }

    fn cases() -> Vec<(&'static str, &'static str, &'static Encoding)> {
        vec![
            ("ar", AR, WINDOWS_1256),
            ("fa", FA, WINDOWS_1256),
            ("ru", RU, WINDOWS_1251),
            ("ru", RU, KOI8_R),
            ("sl", SL, WINDOWS_1250),
            ("sl", SL, ISO_8859_2),
            ("de", DE, WINDOWS_1252),
        ]
    }

    /// `text` without the characters `enc` cannot encode.
    fn encodable(text: &str, enc: &'static Encoding) -> String {
        text.chars()
            .filter(|c| !enc.encode(&c.to_string()).2)
            .collect()
    }

    fn encode(text: &str, enc: &'static Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(text);
        assert!(!unmappable, "{} cannot encode the sample", enc.name());
        bytes.into_owned()
    }

    #[test]
    fn utf8_and_empty() {
        assert_eq!(decode("Kunden".as_bytes(), None).unwrap().encoding, "UTF-8");
        assert_eq!(decode(b"", None), Err(DecodeSkip::Empty));
        assert_eq!(decode(b"  \n\t\r\n", None), Err(DecodeSkip::Empty));
        assert_eq!(
            decode("\u{feff}  \n".as_bytes(), None),
            Err(DecodeSkip::Empty)
        );
        assert_eq!(decode(b"\x00\x01\x02", None), Err(DecodeSkip::Binary));
    }

    /// Measured: what chardetng alone picks, per language and size. Printed
    /// (run with `--nocapture`); the assertion is on the corrected result.
    #[test]
    fn legacy_encodings_round_trip() {
        for n in [80, 300, 1000] {
            for (lang, doc, enc) in cases() {
                let text = encodable(&paragraph(doc, n), enc);
                let bytes = encode(&text, enc);
                let raw = chardetng_guess(&bytes).name();
                let d = decode(&bytes, None).unwrap();
                println!(
                    "{lang} {n:>4} chars {:<12} chardetng={raw:<12} korpus={}",
                    enc.name(),
                    d.encoding
                );
                assert_eq!(
                    d.text,
                    text,
                    "{lang} {} ({n} chars) decoded as {}",
                    enc.name(),
                    d.encoding
                );
                assert_eq!(d.replaced, 0);
            }
        }
    }

    #[test]
    fn whole_documents_round_trip() {
        for (lang, doc, enc) in cases() {
            // Characters the legacy encoding lacks would be lost anyway.
            let text = encodable(doc, enc);
            let d = decode(&encode(&text, enc), None).unwrap();
            assert_eq!(d.encoding, enc.name(), "{lang}");
            assert_eq!(d.text, text, "{lang}");
        }
    }

    /// The classic KOI8-R / windows-1251 mix-up (case inverted) scores
    /// lower than the right reading, both ways.
    #[test]
    fn plausibility_prefers_the_right_cyrillic_encoding() {
        let text = encodable(&paragraph(RU, 300), KOI8_R);
        let koi = encode(&text, KOI8_R);
        let as_1251 = WINDOWS_1251.decode_without_bom_handling(&koi).0;
        assert!(plausibility(&text) > plausibility(&as_1251));
        let w = encode(&text, WINDOWS_1251);
        let as_koi = KOI8_R.decode_without_bom_handling(&w).0;
        assert!(plausibility(&text) > plausibility(&as_koi));
    }

    /// Measured with chardetng 1.0 (Cargo.lock): alone, it names KOI8-R
    /// Russian "KOI8-U" (same Russian letters, wrong name) and reads a short
    /// Slovenian windows-1250 paragraph as windows-1252 (`č` → `è`).
    /// `decode` gets both right.
    #[test]
    fn chardetng_alone_gets_these_wrong() {
        let ru = encodable(&paragraph(RU, 300), KOI8_R);
        assert_eq!(chardetng_guess(&encode(&ru, KOI8_R)), KOI8_U);
        assert_eq!(
            decode(&encode(&ru, KOI8_R), None).unwrap().encoding,
            "KOI8-R"
        );

        let sl = paragraph(SL, 80);
        let bytes = encode(&sl, WINDOWS_1250);
        let raw = chardetng_guess(&bytes);
        assert_eq!(raw, WINDOWS_1252);
        assert_ne!(raw.decode_without_bom_handling(&bytes).0, sl);
        assert_eq!(decode(&bytes, None).unwrap().text, sl);
    }

    #[test]
    fn mostly_utf8_with_invalid_bytes_stays_utf8() {
        let mut bytes = paragraph(RU, 200).into_bytes();
        bytes.insert(40, 0xFF);
        bytes.extend_from_slice(&[0xC3]); // truncated sequence at the end
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.replaced, 2);
        assert_eq!(d.text.matches('\u{FFFD}').count(), 2);
        // Garbage inserted into German text with umlauts.
        let mut de = paragraph(DE, 400).into_bytes();
        de.splice(100..100, [0x9C, 0xE4, 0xFE]);
        let d = decode(&de, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.replaced >= 1);
        // A literal U+FFFD in valid UTF-8 is not a replacement.
        assert_eq!(decode("a\u{FFFD}b".as_bytes(), None).unwrap().replaced, 0);
    }

    /// From the bench generator's noise: UTF-8 cut inside the only
    /// multi-byte character, and random bytes in ASCII text, stay UTF-8;
    /// legacy text whose only non-ASCII characters are quotes is legacy.
    #[test]
    fn damaged_utf8_versus_sparse_legacy() {
        let d = decode(b"Vielen Dank fuer Ihre Nachricht. Gr\xC3", None).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        let d = decode(b"Der Vertrag \xA4\xB6\x91\xCF wurde verlaengert.", None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.replaced, 4);
        let quotes = encode("Er sagte \u{ab}danke\u{bb} und ging.", WINDOWS_1252);
        let d = decode(&quotes, None).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("windows-1252", "Er sagte \u{ab}danke\u{bb} und ging.")
        );
        let one = encode("Sch\u{f6}n.", WINDOWS_1252);
        assert_eq!(decode(&one, None).unwrap().text, "Sch\u{f6}n.");
    }

    #[test]
    fn boms() {
        let text = paragraph(RU, 100);
        let mut u8b = b"\xEF\xBB\xBF".to_vec();
        u8b.extend_from_slice(text.as_bytes());
        let d = decode(&u8b, None).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-8", text.as_str()));

        for (bom, be) in [(&b"\xFF\xFE"[..], false), (&b"\xFE\xFF"[..], true)] {
            let mut bytes = bom.to_vec();
            for u in text.encode_utf16() {
                bytes.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            let d = decode(&bytes, None).unwrap();
            assert_eq!(d.encoding, if be { "UTF-16BE" } else { "UTF-16LE" });
            assert_eq!(d.text, text);
        }
    }

    #[test]
    fn utf16_without_bom() {
        for (lang, doc, _) in cases() {
            let text = paragraph(doc, 300);
            for be in [false, true] {
                let bytes: Vec<u8> = text
                    .encode_utf16()
                    .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                    .collect();
                let d = decode(&bytes, None).unwrap();
                assert_eq!(
                    d.encoding,
                    if be { "UTF-16BE" } else { "UTF-16LE" },
                    "{lang}"
                );
                assert_eq!(d.text, text, "{lang}");
            }
        }
    }

    #[test]
    fn binary_files() {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        let mut x = 0x12345678u32;
        for _ in 0..4096 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            png.push(x as u8);
        }
        assert_eq!(decode(&png, None), Err(DecodeSkip::Binary));
        assert_eq!(
            decode(&png[8..], None),
            Err(DecodeSkip::Binary),
            "random bytes without magic"
        );
        // One stray NUL in text (as in the generator's "bom-nul" noise) is text.
        let mut t = paragraph(DE, 300).into_bytes();
        t.insert(150, 0);
        assert_eq!(decode(&t, None).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn forced_encoding_wins() {
        let bytes = encode("Привет, мир", KOI8_R);
        let d = decode(&bytes, Some(KOI8_R)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Привет, мир", "KOI8-R"));
        let d = decode(&bytes, Some(UTF_8)).unwrap();
        assert_eq!(d.replaced, d.text.matches('\u{FFFD}').count());
        assert!(d.replaced > 0);
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            match decode(&bytes, None) {
                Ok(d) => {
                    proptest::prop_assert!(!d.text.trim().is_empty());
                    let fffd = d.text.matches('\u{FFFD}').count();
                    proptest::prop_assert!(fffd >= d.replaced, "{} < {}", fffd, d.replaced);
                }
                Err(DecodeSkip::Empty) | Err(DecodeSkip::Binary) => {}
            }
        }
    }

    /// Accuracy on a corpus made by `shared/bench/generate.py`:
    /// `KORPUS_BENCH=/tmp/bench cargo test --lib bench_corpus -- --ignored --nocapture`.
    /// Compares korpus' and chardetng's choice with the manifest's encoding,
    /// by name and by decoded text (names can differ with identical text,
    /// e.g. latin-1 vs windows-1252).
    #[test]
    #[ignore]
    fn bench_corpus_encodings() {
        let Ok(dir) = std::env::var("KORPUS_BENCH") else {
            eprintln!("set KORPUS_BENCH to a generate.py output folder");
            return;
        };
        let dir = std::path::Path::new(&dir);
        let manifest = std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
        let mut stats: std::collections::BTreeMap<String, [usize; 5]> = Default::default();
        for line in manifest.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let enc = v["encoding"].as_str().unwrap();
            let bytes = std::fs::read(dir.join(v["path"].as_str().unwrap())).unwrap();
            let label = enc
                .trim_end_matches("+replaced")
                .replace("latin_1", "latin1")
                .replace('_', "-");
            let expected = if label.starts_with("invalid-utf8") {
                UTF_8
            } else {
                Encoding::for_label(label.as_bytes()).unwrap_or_else(|| panic!("{label}"))
            };
            let key = format!(
                "{} {}",
                v["lang"].as_str().unwrap(),
                enc.split(':').next().unwrap()
            );
            let e = stats.entry(key).or_default();
            e[0] += 1;
            let Ok(d) = decode(&bytes, None) else {
                continue;
            };
            let want = expected.decode_with_bom_removal(&bytes).0;
            e[1] += (d.encoding == expected.name()) as usize;
            e[2] += (d.text == want) as usize;
            if (d.text != want || d.encoding != expected.name())
                && std::env::var("KORPUS_BENCH_SHOW").is_ok()
            {
                let diff: String = d
                    .text
                    .chars()
                    .zip(want.chars())
                    .filter(|(a, b)| a != b)
                    .take(8)
                    .map(|(a, b)| format!("{a}/{b} "))
                    .collect();
                println!(
                    "{} {enc} -> {} ({} replaced): {diff}",
                    v["path"], d.encoding, d.replaced
                );
            }
            if expected != UTF_8 {
                let raw = chardetng_guess(&bytes);
                e[3] += (raw == expected) as usize;
                e[4] += (raw.decode_without_bom_handling(&bytes).0 == want) as usize;
            }
        }
        println!("lang encoding: docs, korpus name ok, korpus text ok, chardetng name ok, chardetng text ok");
        for (k, v) in stats {
            println!("{k:<24} {v:?}");
        }
    }
}
