//! Scripts and letters: which writing system a character belongs to, whether it
//! is a letter, its lower case, by tables built once (the standard library's
//! Unicode lookups are slow outside ASCII, and detection asks for every
//! character).

use std::sync::OnceLock;

use super::tables::SMALL;

/// The main writing systems we tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Other,
}

/// Class of every BMP code point, a 64 KB table built on first use
/// (`char::is_alphabetic` is slow outside ASCII): bit 7 = alphabetic, low
/// bits = [`char_script`] (0 none, 1 other, 2 Latin, 3 Cyrillic, 4 Arabic).
fn classes() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..0x10000u32)
            .map(|u| {
                let Some(c) = char::from_u32(u) else { return 0 };
                let script = match char_script_slow(c) {
                    None => 0,
                    Some(Script::Other) => 1,
                    Some(Script::Latin) => 2,
                    Some(Script::Cyrillic) => 3,
                    Some(Script::Arabic) => 4,
                };
                script | if c.is_alphabetic() { 0x80 } else { 0 }
            })
            .collect()
    })
}

/// Whether `c` is alphabetic (as `char::is_alphabetic`), by table.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    match classes().get(c as usize) {
        Some(&k) => k & 0x80 != 0,
        None => c.is_alphabetic(),
    }
}

/// Script of a single letter (`None` for non-letters).
#[inline]
pub(crate) fn char_script(c: char) -> Option<Script> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then_some(Script::Latin);
    }
    match classes().get(c as usize) {
        Some(&k) => match k & 0x7F {
            0 => None,
            2 => Some(Script::Latin),
            3 => Some(Script::Cyrillic),
            4 => Some(Script::Arabic),
            _ => Some(Script::Other),
        },
        None => char_script_slow(c),
    }
}

fn char_script_slow(c: char) -> Option<Script> {
    let u = c as u32;
    if c.is_ascii_alphabetic() {
        return Some(Script::Latin);
    }
    if u < 0xC0 {
        return None;
    }
    match u {
        0xC0..=0x24F | 0x1E00..=0x1EFF if c.is_alphabetic() => Some(Script::Latin),
        0x400..=0x52F => Some(Script::Cyrillic),
        0x620..=0x64A
        | 0x66E..=0x6D3
        | 0x6D5
        | 0x6FA..=0x6FF
        | 0x750..=0x77F
        | 0xFB50..=0xFDFF
        | 0xFE70..=0xFEFF => Some(Script::Arabic),
        _ if c.is_alphabetic() => Some(Script::Other),
        _ => None,
    }
}

/// Lowercase of a character, by table for the first 2048 code points.
#[inline]
pub(super) fn lower(c: char) -> char {
    static TABLE: OnceLock<Vec<char>> = OnceLock::new();
    if (c as usize) < SMALL {
        let t = TABLE.get_or_init(|| {
            (0..SMALL as u32)
                .map(|u| {
                    let c = char::from_u32(u).unwrap_or(' ');
                    let mut l = c.to_lowercase();
                    match (l.next(), l.next()) {
                        (Some(x), None) => x,
                        _ => c,
                    }
                })
                .collect()
        });
        t[c as usize]
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Arabic harakat and other combining marks are letters for `is_alphabetic`
/// but not part of any alphabet.
#[inline]
pub(super) fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x610..=0x61A | 0x64B..=0x65F | 0x670 | 0x6D6..=0x6ED)
}
