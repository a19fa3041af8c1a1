//! Text hygiene: the tokens of informal text that are not words.
//!
//! Feedback (reviews, tweets, comments) is full of URLs, e-mail addresses,
//! @handles, `RT`/`via` markers, hashtags, emoji and emoticons. Segmented as
//! words they become noise terms (`https`, `t.co`, `rt`) that lead frequency
//! lists and label themes, or they vanish (emoji have no letters). Here each
//! is found once, before word segmentation, and becomes one token of its own
//! [`Kind`]: indexed and searchable like a word, counted per kind, and left
//! out of word statistics unless a researcher asks for it (`--include`).
//!
//! The rules are shapes, not lists of sites or words: a scheme and `://`, a
//! `www.` or a host ending in a common top-level domain; `@` after a non-word
//! character; `#` followed by a word; characters of the emoji blocks and
//! their modifiers; the common Western and Russian emoticons.
//!
//! Stretched letters (`suuuper`, `عالیییی`) are folded for matching by
//! [`fold_stretched`]; the surface form stays in the text.

use serde::{Deserialize, Serialize};

/// What a token is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A word of the text (the default).
    #[default]
    Word,
    /// A number (digits of any script, with separators).
    Number,
    /// A URL or bare host (`https://t.co/x`, `www.example.com`, `bank.ru/x`).
    Url,
    /// An e-mail address.
    Email,
    /// A user handle (`@beeline`).
    Handle,
    /// A hashtag (`#кредит`).
    Hashtag,
    /// An emoji (one pictographic sequence, modifiers included).
    Emoji,
    /// An emoticon (`:)`, `:-(`, `xD`, `<3`, `))`).
    Emoticon,
    /// A retweet or attribution marker (`RT`, `via` before a handle).
    Marker,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 9] = [
        Kind::Word,
        Kind::Number,
        Kind::Url,
        Kind::Email,
        Kind::Handle,
        Kind::Hashtag,
        Kind::Emoji,
        Kind::Emoticon,
        Kind::Marker,
    ];

    /// The kinds that are not words.
    pub const SPECIAL: [Kind; 8] = [
        Kind::Number,
        Kind::Url,
        Kind::Email,
        Kind::Handle,
        Kind::Hashtag,
        Kind::Emoji,
        Kind::Emoticon,
        Kind::Marker,
    ];

    /// The name used in queries (`kind:url`), `--include` and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Word => "word",
            Kind::Number => "number",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Handle => "handle",
            Kind::Hashtag => "hashtag",
            Kind::Emoji => "emoji",
            Kind::Emoticon => "emoticon",
            Kind::Marker => "marker",
        }
    }

    /// The kind of a name (singular or plural: `url`, `urls`).
    pub fn parse(name: &str) -> Option<Kind> {
        let n = name.trim().to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| n == k.name() || n.strip_suffix('s') == Some(k.name()))
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of token kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Kinds(u16);

impl Default for Kinds {
    /// Words only: what word statistics count.
    fn default() -> Self {
        Kinds::WORDS
    }
}

impl Kinds {
    /// Words only.
    pub const WORDS: Kinds = Kinds(1);
    /// Every kind.
    pub const ALL: Kinds = Kinds(0x1FF);
    /// No kind.
    pub const NONE: Kinds = Kinds(0);

    /// Whether the set holds `k`.
    pub fn contains(self, k: Kind) -> bool {
        self.0 & k.bit() != 0
    }

    /// The set with `k` added.
    pub fn with(self, k: Kind) -> Kinds {
        Kinds(self.0 | k.bit())
    }

    /// Add `k`.
    pub fn insert(&mut self, k: Kind) {
        self.0 |= k.bit();
    }

    /// The kinds in the set, in display order.
    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |&k| self.contains(k))
    }

    /// Words plus the kinds of a comma-separated list (`url,emoji`, `all`).
    pub fn parse_include(list: &str) -> Result<Kinds, String> {
        let mut set = Kinds::WORDS;
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("all") {
                return Ok(Kinds::ALL);
            }
            match Kind::parse(part) {
                Some(k) => set.insert(k),
                None => {
                    return Err(format!(
                        "unknown token kind {part:?} (one of: all, {})",
                        Kind::SPECIAL.map(Kind::name).join(", ")
                    ))
                }
            }
        }
        Ok(set)
    }
}

/// A non-word token found in a text: bytes `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Special {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset past the end.
    pub end: usize,
    /// What it is (never [`Kind::Word`] or [`Kind::Number`]).
    pub kind: Kind,
}

/// The non-word tokens of `text`, in order and not overlapping, into `out`
/// (cleared first).
pub fn specials(text: &str, out: &mut Vec<Special>) {
    out.clear();
    let b = text.as_bytes();
    if !b.iter().any(|&x| is_trigger(x)) {
        return;
    }
    // Depth of open round brackets, to tell `))` (a Russian smile) from
    // closing brackets.
    let mut depth = 0usize;
    let mut i = 0;
    let mut prev_chunk: Option<(usize, usize)> = None;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let cs = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        if cs == i {
            break;
        }
        if !may_hold_special(&b[cs..i]) {
            prev_chunk = Some((cs, i));
            continue;
        }
        let before = out.len();
        chunk(text, cs, i, &mut depth, out);
        // `RT @x` and `via @x`: the marker is the chunk before a handle.
        if let (Some((ps, pe)), Some(s)) = (prev_chunk, out.get(before)) {
            if s.kind == Kind::Handle && s.start == cs {
                let p = text[ps..pe].trim_end_matches(':');
                if p == "RT" || p == "rt" || p.eq_ignore_ascii_case("via") {
                    let at = out.iter().rposition(|s| s.start < pe).map_or(before, |k| k + 1);
                    if out[..before].last().is_none_or(|s| s.end <= ps) {
                        out.insert(
                            at,
                            Special {
                                start: ps,
                                end: ps + p.len(),
                                kind: Kind::Marker,
                            },
                        );
                    }
                }
            }
        }
        prev_chunk = Some((cs, i));
    }
}

/// Whether a whitespace-delimited chunk may hold a special token: most
/// chunks are plain words with at most a trailing period or comma, and the
/// scanner skips them without looking further.
fn may_hold_special(c: &[u8]) -> bool {
    c.iter().enumerate().any(|(k, &x)| match x {
        b'@' | b'#' | b':' | b';' | b'=' | b'/' | b'<' | b'^' | b')' | b'(' | 0xE2 | 0xE3 | 0xF0 => {
            true
        }
        // A period inside a chunk (a host, www.), not one that ends it.
        b'.' => c.get(k + 1).is_some_and(|&n| n.is_ascii_alphanumeric() || n >= 0x80),
        b'x' | b'X' => matches!(c.get(k + 1), Some(b'D' | b'd')),
        _ => false,
    })
}

/// Bytes that may start or mark a special token.
fn is_trigger(x: u8) -> bool {
    matches!(
        x,
        b'@' | b'#' | b':' | b';' | b'=' | b'/' | b'.' | b'<' | b'^' | b')' | b'(' | b'x' | b'X'
            | b'w'
            | b'W'
            | 0xE2
            | 0xE3
            | 0xF0
    )
}

/// Leading punctuation a URL or handle may sit behind (`(https://…`, `"@x`).
fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '«' | '„' | '“' | '<' | '‹' | '‚' | '‘')
}

/// Punctuation trimmed from the end of a URL.
fn is_url_trailer(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '»' | '“' | '”' | '’'
            | '>'
            | '…'
    )
}

/// Top-level domains a bare host (`bank.ru/x`, `gutefrage.net`) may end in:
/// the generic ones and those of the countries our languages are written in.
const TLDS: [&str; 44] = [
    "com", "net", "org", "info", "biz", "io", "co", "ly", "me", "tv", "app", "dev", "ai", "gov",
    "edu", "eu", "de", "at", "ch", "ru", "su", "ua", "by", "kz", "si", "hr", "rs", "ba", "ir",
    "af", "tj", "sa", "eg", "ae", "jo", "kw", "qa", "bh", "om", "ma", "dz", "tn", "lb", "iq",
];

fn chunk(text: &str, cs: usize, ce: usize, depth: &mut usize, out: &mut Vec<Special>) {
    let c = &text[cs..ce];
    let lead = c.len() - c.trim_start_matches(is_opening).len();
    let body = &c[lead..];
    // A URL runs to the end of the chunk (URLs hold no spaces).
    if let Some(start) = url_start(c) {
        if let Some(end) = url_end(text, cs + start, ce) {
            out.push(Special {
                start: cs + start,
                end,
                kind: Kind::Url,
            });
        }
        return;
    }
    if let Some(len) = bare_host(body) {
        let end = url_end(text, cs + lead, cs + lead + len).unwrap_or(cs + lead + len);
        out.push(Special {
            start: cs + lead,
            end,
            kind: Kind::Url,
        });
        return;
    }
    let mut j = cs;
    while j < ce {
        let ch = text[j..].chars().next().expect("char boundary");
        let prev = text[..j].chars().next_back();
        let prev_word = prev.is_some_and(|p| crate::chars::is_alphanumeric(p) || p == '_');
        match ch {
            '@' => {
                if let Some(s) = email_at(text, cs, j, ce) {
                    // The local part may have been taken as a word start:
                    // nothing was emitted for it (words are not specials).
                    out.push(s);
                    j = s.end;
                    continue;
                }
                if !prev_word && prev != Some('@') {
                    let n = text[j + 1..ce]
                        .bytes()
                        .take_while(|&x| x.is_ascii_alphanumeric() || x == b'_' || x == b'.')
                        .count();
                    let name = text[j + 1..j + 1 + n].trim_end_matches('.');
                    if !name.is_empty() && name.bytes().any(|x| x != b'.') {
                        out.push(Special {
                            start: j,
                            end: j + 1 + name.len(),
                            kind: Kind::Handle,
                        });
                        j += 1 + name.len();
                        continue;
                    }
                }
            }
            '#' if !prev_word && prev != Some('&') => {
                let rest = &text[j + 1..ce];
                let mut n = 0;
                let mut letter = false;
                for (k, c2) in rest.char_indices() {
                    if crate::chars::is_alphanumeric(c2) || c2 == '_' || is_tag_mark(c2) {
                        letter |= crate::chars::is_alphabetic(c2);
                        n = k + c2.len_utf8();
                    } else {
                        break;
                    }
                }
                let tag = rest[..n].trim_end_matches(['\u{200c}', '\u{200d}']);
                if letter && !tag.is_empty() {
                    out.push(Special {
                        start: j,
                        end: j + 1 + tag.len(),
                        kind: Kind::Hashtag,
                    });
                    j += 1 + tag.len();
                    continue;
                }
            }
            '(' => {
                let n = text[j..ce].bytes().take_while(|&x| x == b'(').count();
                let after = text[j + n..ce].chars().next();
                let closes_nothing = after.is_none_or(|a| !crate::chars::is_alphanumeric(a));
                if n >= 2 && closes_nothing && prev.is_some_and(|p| p != '(') {
                    out.push(Special {
                        start: j,
                        end: j + n,
                        kind: Kind::Emoticon,
                    });
                } else {
                    *depth += n;
                }
                j += n;
                continue;
            }
            ')' => {
                let n = text[j..ce].bytes().take_while(|&x| x == b')').count();
                let closing = n.min(*depth);
                *depth -= closing;
                if n - closing >= 2 && prev.is_some_and(|p| p != ')') {
                    out.push(Special {
                        start: j + closing,
                        end: j + n,
                        kind: Kind::Emoticon,
                    });
                }
                j += n;
                continue;
            }
            _ => {}
        }
        if let Some(len) = emoticon_at(&text[j..ce], prev) {
            out.push(Special {
                start: j,
                end: j + len,
                kind: Kind::Emoticon,
            });
            j += len;
            continue;
        }
        if is_pictographic(ch) || is_regional(ch) {
            let len = emoji_len(&text[j..ce]);
            out.push(Special {
                start: j,
                end: j + len,
                kind: Kind::Emoji,
            });
            j += len;
            continue;
        }
        j += ch.len_utf8();
    }
}

/// Marks a hashtag may hold inside (ZWNJ of Persian, combining marks).
fn is_tag_mark(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}' | '\u{300}'..='\u{36f}' | '\u{64b}'..='\u{65f}' | '\u{670}')
}

/// Where a URL with a scheme starts in a chunk (`http://`, `https://`,
/// `ftp://`, any case), or a `www.` host after opening punctuation.
fn url_start(c: &str) -> Option<usize> {
    if let Some(p) = c.find("://") {
        let head = &c[..p];
        let s = head
            .char_indices()
            .rev()
            .take_while(|(_, ch)| ch.is_ascii_alphabetic())
            .last()
            .map(|(k, _)| k)?;
        let scheme = head[s..].to_ascii_lowercase();
        if matches!(scheme.as_str(), "http" | "https" | "ftp") && c.len() > p + 3 {
            return Some(s);
        }
        return None;
    }
    let lead = c.len() - c.trim_start_matches(is_opening).len();
    let body = &c[lead..];
    (body.len() > 4 && body.as_bytes()[..4].eq_ignore_ascii_case(b"www.")).then_some(lead)
}

/// The end of a URL starting at `start` in a chunk ending at `ce`: trailing
/// punctuation is not part of it (a closing bracket only when the URL opens
/// none). `None` when nothing but punctuation is left.
fn url_end(text: &str, start: usize, ce: usize) -> Option<usize> {
    let mut s = &text[start..ce];
    loop {
        let last = s.chars().next_back()?;
        if last == ')' && s.matches(')').count() <= s.matches('(').count() {
            break;
        }
        if is_url_trailer(last) {
            s = &s[..s.len() - last.len_utf8()];
        } else {
            break;
        }
    }
    (s.len() > 3).then_some(start + s.len())
}

/// The length of a bare host at the start of `s` (`t.co/x`, `bank.ru`,
/// `сайт.рф`): labels of letters, digits and hyphens joined by dots, the last
/// a known top-level domain, then an optional `/path`. Trailing punctuation
/// is trimmed by the caller.
fn bare_host(s: &str) -> Option<usize> {
    let host_len = s
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '-' || *c == '.' || is_cyr(*c))
        .last()
        .map(|(k, c)| k + c.len_utf8())?;
    let host = s[..host_len].trim_end_matches('.');
    let (name, tld) = host.rsplit_once('.')?;
    if name.is_empty() || name.split('.').any(|l| l.is_empty() || l.starts_with('-')) {
        return None;
    }
    let ascii = host.is_ascii();
    let tld_ok = if ascii {
        TLDS.contains(&tld.to_ascii_lowercase().as_str()) && name.bytes().any(|b| b.is_ascii_alphabetic())
    } else {
        tld == "рф" && name.chars().all(|c| is_cyr(c) || c == '-' || c == '.' || c.is_ascii_digit())
    };
    if !tld_ok {
        return None;
    }
    let rest = &s[host.len()..];
    if rest.is_empty() {
        return Some(host.len());
    }
    if rest.starts_with('/') {
        return Some(s.len());
    }
    // A host followed by punctuation only (`bank.ru,` `gutefrage.net.`).
    rest.chars()
        .all(|c| is_url_trailer(c) || c == '.')
        .then_some(host.len())
}

fn is_cyr(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

/// An e-mail address around the `@` at byte `at` of the chunk `cs..ce`.
fn email_at(text: &str, cs: usize, at: usize, ce: usize) -> Option<Special> {
    let local_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let start = text[cs..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| local_ok(*c))
        .last()
        .map(|(k, _)| cs + k)?;
    let local = text[start..at].trim_start_matches('.');
    let start = at - local.len();
    if local.is_empty() {
        return None;
    }
    let domain_len = text[at + 1..ce]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.')
        .count();
    let domain = text[at + 1..at + 1 + domain_len].trim_end_matches('.');
    let (name, tld) = domain.rsplit_once('.')?;
    if name.is_empty() || tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Some(Special {
        start,
        end: at + 1 + domain.len(),
        kind: Kind::Email,
    })
}

/// The length of an emoticon at the start of `s`, if one is there. `prev`:
/// the character before it.
fn emoticon_at(s: &str, prev: Option<char>) -> Option<usize> {
    let b = s.as_bytes();
    let after_ok = |n: usize| {
        s[n..]
            .chars()
            .next()
            .is_none_or(|c| !crate::chars::is_alphanumeric(c))
    };
    let prev_digit = prev.is_some_and(|p| p.is_ascii_digit() || p == ':' || p == '/');
    match b.first()? {
        b':' | b';' | b'=' if !prev_digit => {
            let mut n = 1;
            if matches!(b.get(n), Some(b'-' | b'\'' | b'^')) {
                n += 1;
            }
            let mouth = *b.get(n)?;
            if !matches!(
                mouth,
                b')' | b'(' | b'D' | b'P' | b'p' | b'O' | b'o' | b'/' | b'|' | b'*' | b']' | b'['
            ) {
                return None;
            }
            // `:/` is a mouth only when no second slash follows (`://`).
            if mouth == b'/' && b.get(n + 1) == Some(&b'/') {
                return None;
            }
            n += 1;
            // `:)))` is one emoticon.
            while matches!(b.get(n), Some(&m) if m == mouth && matches!(m, b')' | b'(')) {
                n += 1;
            }
            after_ok(n).then_some(n)
        }
        b'x' | b'X' if prev.is_none_or(|p| !crate::chars::is_alphanumeric(p)) => {
            let n = 1 + b[1..].iter().take_while(|&&c| c == b'D').count();
            (n >= 2 && after_ok(n)).then_some(n)
        }
        b'<' if b.get(1) == Some(&b'3') && prev.is_none_or(|p| p != '<') => {
            let n = 2 + b[2..].iter().take_while(|&&c| c == b'3').count();
            after_ok(n).then_some(n)
        }
        b'^' if s.starts_with("^^") || s.starts_with("^_^") => {
            Some(if s.starts_with("^_^") { 3 } else { 2 })
        }
        _ => None,
    }
}

/// Pictographic characters (Unicode's Extended_Pictographic, the blocks that
/// hold it: symbols and pictographs, dingbats, miscellaneous symbols, and the
/// few emoji of other blocks).
pub fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1F1E5 | 0x1F200..=0x1F3FA | 0x1F400..=0x1FAFF
        | 0x2600..=0x27BF
        | 0x203C | 0x2049
        | 0x231A | 0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA
        | 0x25AA | 0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE
        | 0x2B05..=0x2B07 | 0x2B1B | 0x2B1C | 0x2B50 | 0x2B55
        | 0x3030 | 0x303D | 0x3297 | 0x3299)
}

fn is_regional(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Modifiers that belong to the emoji before them: variation selectors,
/// skin tones, the keycap and tag characters.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF | 0x20E3 | 0xE0020..=0xE007F)
}

/// The byte length of the emoji sequence at the start of `s`: one
/// pictograph with its modifiers, joined by ZWJ to more (👨‍👩‍👧), or a pair of
/// regional indicators (a flag).
fn emoji_len(s: &str) -> usize {
    let mut it = s.char_indices().peekable();
    let Some((_, first)) = it.next() else {
        return 0;
    };
    let mut end = first.len_utf8();
    if is_regional(first) {
        if let Some(&(k, c)) = it.peek() {
            if is_regional(c) {
                end = k + c.len_utf8();
            }
        }
        return end;
    }
    while let Some(&(k, c)) = it.peek() {
        if is_emoji_modifier(c) {
            end = k + c.len_utf8();
            it.next();
        } else if c == '\u{200d}' {
            it.next();
            match it.peek() {
                Some(&(k2, c2)) if is_pictographic(c2) => {
                    end = k2 + c2.len_utf8();
                    it.next();
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    end
}

/// The indexed term of a special token, appended to `out`. URLs lose their
/// scheme, `www.` and trailing slash, and their host is lower-cased (the path
/// keeps its case: it may matter); e-mail addresses, handles and markers are
/// lower-cased; emoji lose variation selectors and skin tones (👍🏽 and 👍 are
/// one term); emoticons lose their nose and take one spelling (`:-)`, `=)`
/// → `:)`; `:)))` → `:)`; `xDDD` → `xD`). Hashtags are normalized by the
/// language analyzer (see `Analyzer::walk`), not here.
pub fn special_term(kind: Kind, surface: &str, out: &mut String) {
    match kind {
        Kind::Url => {
            let s = surface;
            let s = match s.find("://") {
                Some(p) => &s[p + 3..],
                None => s,
            };
            let s = if s.len() > 4 && s.as_bytes()[..4].eq_ignore_ascii_case(b"www.") {
                &s[4..]
            } else {
                s
            };
            let s = s.trim_end_matches('/');
            let host_end = s.find(['/', '?', '#']).unwrap_or(s.len());
            out.extend(s[..host_end].chars().flat_map(char::to_lowercase));
            out.push_str(&s[host_end..]);
        }
        Kind::Email | Kind::Handle | Kind::Marker => {
            out.extend(surface.chars().flat_map(char::to_lowercase));
        }
        Kind::Emoji => {
            let before = out.len();
            out.extend(
                surface
                    .chars()
                    .filter(|&c| !matches!(c as u32, 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF)),
            );
            if out.len() == before {
                out.push_str(surface);
            }
        }
        Kind::Emoticon => {
            let mut cs: Vec<char> = surface.chars().filter(|&c| c != '-' && c != '^').collect();
            if surface.starts_with('^') {
                out.push_str("^^");
                return;
            }
            if cs.first() == Some(&'=') {
                cs[0] = ':';
            }
            if cs.iter().all(|&c| c == ')') {
                out.push_str("))");
                return;
            }
            if cs.iter().all(|&c| c == '(') {
                out.push_str("((");
                return;
            }
            match cs.first() {
                Some('x' | 'X') => out.push_str("xD"),
                Some('<') => out.push_str("<3"),
                _ => {
                    // Eyes, optional tear, one mouth.
                    let eyes = cs[0];
                    out.push(eyes);
                    let mut rest = &cs[1..];
                    if rest.first() == Some(&'\'') {
                        out.push('\'');
                        rest = &rest[1..];
                    }
                    if let Some(&m) = rest.first() {
                        out.push(match m {
                            'p' => 'P',
                            'o' => 'O',
                            ']' => ')',
                            '[' => '(',
                            m => m,
                        });
                    }
                }
            }
        }
        Kind::Word | Kind::Number | Kind::Hashtag => out.push_str(surface),
    }
}

/// The host of a URL term made by [`special_term`] (`t.co/abc` → `t.co`).
pub fn url_host(term: &str) -> &str {
    let host = &term[..term.find(['/', '?', '#']).unwrap_or(term.len())];
    host.rsplit_once('@').map_or(host, |(_, h)| h)
}

/// Letters stretched for emphasis folded for matching, or `None` when the
/// word has no run to fold. A run of three or more of one vowel, or of one
/// letter of the Arabic script (which writes no letter twice in a row but
/// across a morpheme boundary, never three times), becomes one letter
/// (`suuuper` → `super`, `عالیییی` → `عالی`, `оооочень` → `очень`); a run of
/// four or more of one consonant becomes two (`Hallllo` → `Hallo`), so that
/// the three consonants of German compounds stay (`Schifffahrt`). Runs of two
/// are never touched (`Boot`, `ванна`, `ممتاز`). Idempotent.
pub fn fold_stretched(word: &str) -> Option<String> {
    // Quick test: any three equal chars in a row?
    let mut prev = '\0';
    let mut run = 0;
    let mut found = false;
    for c in word.chars() {
        if c == prev {
            run += 1;
            if run >= 3 {
                found = true;
                break;
            }
        } else {
            prev = c;
            run = 1;
        }
    }
    if !found {
        return None;
    }
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    let mut changed = false;
    while i < chars.len() {
        let c = chars[i];
        let mut n = 1;
        while i + n < chars.len() && chars[i + n] == c {
            n += 1;
        }
        let keep = if !crate::chars::is_alphabetic(c) {
            n
        } else if is_vowel(c) || is_arabic_letter(c) {
            if n >= 3 {
                1
            } else {
                n
            }
        } else if n >= 4 {
            2
        } else {
            n
        };
        changed |= keep != n;
        for _ in 0..keep {
            out.push(c);
        }
        i += n;
    }
    changed.then_some(out)
}

fn is_vowel(c: char) -> bool {
    let l = c.to_lowercase().next().unwrap_or(c);
    matches!(
        l,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'ü' | 'á' | 'é' | 'í' | 'ó' | 'ú' | 'à'
            | 'è'
            | 'а'
            | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
    )
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x620..=0x64A | 0x671..=0x6D3 | 0x6D5 | 0x6FA..=0x6FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Kind)> {
        let mut v = Vec::new();
        specials(text, &mut v);
        v.iter().map(|s| (&text[s.start..s.end], s.kind)).collect()
    }

    fn term(kind: Kind, s: &str) -> String {
        let mut o = String::new();
        special_term(kind, s, &mut o);
        o
    }

    #[test]
    fn tweets() {
        assert_eq!(
            found("RT @Beeline_RUS: Связь вернули https://t.co/AbC12x #мтс 👍🏽👍"),
            vec![
                ("RT", Kind::Marker),
                ("@Beeline_RUS", Kind::Handle),
                ("https://t.co/AbC12x", Kind::Url),
                ("#мтс", Kind::Hashtag),
                ("👍🏽", Kind::Emoji),
                ("👍", Kind::Emoji),
            ]
        );
        assert_eq!(
            found("Super Hotel via @booking (www.hotel-x.de/zimmer)."),
            vec![
                ("via", Kind::Marker),
                ("@booking", Kind::Handle),
                ("www.hotel-x.de/zimmer", Kind::Url),
            ]
        );
    }

    #[test]
    fn urls_keep_their_brackets_only_when_they_open_one() {
        assert_eq!(
            found("(siehe https://de.wikipedia.org/wiki/Bahn_(Verkehr))"),
            vec![("https://de.wikipedia.org/wiki/Bahn_(Verkehr)", Kind::Url)]
        );
        assert_eq!(found("gutefrage.net, bank.ru/karta и сайт.рф"), vec![
            ("gutefrage.net", Kind::Url),
            ("bank.ru/karta", Kind::Url),
            ("сайт.рф", Kind::Url),
        ]);
    }

    #[test]
    fn abbreviations_times_and_sentences_are_not_specials() {
        for t in [
            "z.B. u.a. d.h. bzw. npr. т.е. Kunden.Die",
            "um 10:30 Uhr, 3:0 gewonnen",
            "Preis: 30 € (inkl. MwSt.) und 1) erstens 2) zweitens",
            "Kapitel 3 (Seite 4)",
            "C# und F# sind Sprachen; &#39; bleibt",
            "Zeit:3 Tage, Datum:Dienstag",
        ] {
            assert_eq!(found(t), vec![], "{t}");
        }
    }

    #[test]
    fn emails_are_not_handles() {
        assert_eq!(
            found("Pišite na info.sl@telekom.si ali @Telekom_SLO"),
            vec![
                ("info.sl@telekom.si", Kind::Email),
                ("@Telekom_SLO", Kind::Handle)
            ]
        );
    }

    #[test]
    fn emoticons() {
        assert_eq!(
            found("Спасибо))) всё ок :-) но :( и xD <3 ;) ^^"),
            vec![
                (")))", Kind::Emoticon),
                (":-)", Kind::Emoticon),
                (":(", Kind::Emoticon),
                ("xD", Kind::Emoticon),
                ("<3", Kind::Emoticon),
                (";)", Kind::Emoticon),
                ("^^", Kind::Emoticon),
            ]
        );
        assert_eq!(term(Kind::Emoticon, ":-)"), ":)");
        assert_eq!(term(Kind::Emoticon, "=)"), ":)");
        assert_eq!(term(Kind::Emoticon, ":pp"), ":P");
        assert_eq!(term(Kind::Emoticon, ")))"), "))");
        assert_eq!(term(Kind::Emoticon, "xDDD"), "xD");
        // Brackets that close what they opened are punctuation.
        assert_eq!(found("(это (очень) хорошо))"), vec![]);
    }

    #[test]
    fn terms() {
        assert_eq!(term(Kind::Url, "https://WWW.Example.COM/Path/"), "example.com/Path");
        assert_eq!(url_host("example.com/Path"), "example.com");
        assert_eq!(term(Kind::Handle, "@Beeline_RUS"), "@beeline_rus");
        assert_eq!(term(Kind::Emoji, "👍🏽"), "👍");
        assert_eq!(term(Kind::Emoji, "❤️"), "❤");
        assert_eq!(found("👨‍👩‍👧🇸🇮"), vec![("👨‍👩‍👧", Kind::Emoji), ("🇸🇮", Kind::Emoji)]);
    }

    #[test]
    fn stretched_letters() {
        let f = |w: &str| fold_stretched(w).unwrap_or_else(|| w.to_string());
        assert_eq!(f("suuuuper"), "super");
        assert_eq!(f("Hallllo"), "Hallo");
        assert_eq!(f("Schifffahrt"), "Schifffahrt");
        assert_eq!(f("Boot"), "Boot");
        assert_eq!(f("оооочень"), "очень");
        assert_eq!(f("عالیییییی"), "عالی");
        assert_eq!(f("ممتاااز"), "ممتاز");
        assert_eq!(f("ممتاز"), "ممتاز");
        assert_eq!(f("1000"), "1000");
        for w in ["suuuuper", "Hallllo", "عالیییییی", "Schifffahrt"] {
            assert_eq!(f(&f(w)), f(w));
        }
    }

    #[test]
    fn include_lists() {
        let k = Kinds::parse_include("url, emojis").unwrap();
        assert!(k.contains(Kind::Word) && k.contains(Kind::Url) && k.contains(Kind::Emoji));
        assert!(!k.contains(Kind::Handle));
        assert_eq!(Kinds::parse_include("all").unwrap(), Kinds::ALL);
        assert!(Kinds::parse_include("urlz").unwrap_err().contains("unknown token kind"));
    }
}
