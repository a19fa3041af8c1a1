//! Bytes → text: BOM, strict UTF-8, then a detected legacy encoding.

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
    #[error("binary file")]
    Binary,
}

/// Decode bytes to text. `forced` overrides detection.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<Decoded, DecodeSkip> {
    if let Some(enc) = forced {
        let (text, _, had_errors) = enc.decode(bytes);
        let replaced = if had_errors {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        return finish(text.into_owned(), enc.name(), replaced);
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let replaced = if had_errors {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        return finish(text.into_owned(), enc.name(), replaced);
    }
    if bytes.contains(&0) {
        return Err(DecodeSkip::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => finish(s.to_string(), "UTF-8", 0),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            let enc = det.guess(None, chardetng::Utf8Detection::Deny);
            let (text, _, had_errors) = enc.decode(bytes);
            let replaced = if had_errors {
                text.matches('\u{FFFD}').count()
            } else {
                0
            };
            finish(text.into_owned(), enc.name(), replaced)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_empty() {
        assert_eq!(decode("Kunden".as_bytes(), None).unwrap().encoding, "UTF-8");
        assert_eq!(decode(b"  \n", None), Err(DecodeSkip::Empty));
        assert_eq!(decode(b"\x00\x01\x02", None), Err(DecodeSkip::Binary));
    }
}
