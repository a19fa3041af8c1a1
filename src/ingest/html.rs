//! HTML → text with a real HTML parser (html5ever via `scraper`).
//!
//! Scripts, styles, navigation, page header and footer, forms and the like
//! are dropped; block elements become paragraph breaks (a blank line), `<br>`
//! a line break, and runs of whitespace inside text collapse to one space
//! (except inside `<pre>`). The title is `<title>`, else the first `<h1>`.

use scraper::{ElementRef, Html, Node};

/// Text and title of an HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlText {
    /// Visible text, paragraphs separated by blank lines.
    pub text: String,
    /// `<title>`, else the first `<h1>`, whitespace collapsed.
    pub title: Option<String>,
}

/// Elements whose whole content is dropped.
const DROP: &[&str] = &[
    "script", "style", "nav", "header", "footer", "form", "noscript", "template", "head", "iframe",
    "svg", "canvas", "object", "embed", "button", "select", "textarea", "aside",
];

/// Elements that start and end a paragraph.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "td",
    "th",
    "tr",
    "ul",
    "caption",
];

/// Convert an HTML document to text.
pub fn html_to_text(source: &str) -> HtmlText {
    let html = Html::parse_document(source);
    let mut out = Out::default();
    let title = first_text(&html, "title");
    let mut h1: Option<String> = None;
    // Explicit stack instead of recursion: deeply nested pages cannot
    // overflow the stack. `true` marks the closing of an element.
    let mut stack = vec![(html.tree.root(), false)];
    let mut pre = 0usize;
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Element(e) => {
                let name = e.name();
                if closing {
                    if name == "pre" {
                        pre -= 1;
                    }
                    if BLOCK.contains(&name) {
                        out.paragraph();
                    }
                    continue;
                }
                if name == "h1" && h1.is_none() {
                    h1 = ElementRef::wrap(node).map(|e| collapse(&e.text().collect::<String>()));
                }
                if DROP.contains(&name) {
                    continue;
                }
                match name {
                    "br" => out.line(),
                    "pre" => pre += 1,
                    _ => {}
                }
                if BLOCK.contains(&name) {
                    out.paragraph();
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            Node::Text(t) if !closing => out.text(t, pre > 0),
            Node::Document | Node::Fragment if !closing => {
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    let title = title.or(h1.filter(|t| !t.is_empty()));
    HtmlText {
        text: out.finish(),
        title,
    }
}

/// Text of the first `tag` element, whitespace collapsed, if not empty.
fn first_text(html: &Html, tag: &str) -> Option<String> {
    let sel = scraper::Selector::parse(tag).ok()?;
    let t = collapse(&html.select(&sel).next()?.text().collect::<String>());
    (!t.is_empty()).then_some(t)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text being assembled: pending breaks are emitted only before more text,
/// so there are no leading, trailing or repeated blank lines.
#[derive(Default)]
struct Out {
    text: String,
    /// 0 none, 1 line break, 2 paragraph break, pending.
    brk: u8,
    /// A space is pending (collapsed whitespace).
    space: bool,
}

impl Out {
    fn paragraph(&mut self) {
        self.brk = 2;
    }
    fn line(&mut self) {
        self.brk = self.brk.max(1);
    }
    fn text(&mut self, t: &str, pre: bool) {
        if pre {
            for (i, l) in t.split('\n').enumerate() {
                if i > 0 {
                    self.line();
                }
                if !l.is_empty() {
                    self.push(l);
                }
            }
            return;
        }
        // HTML collapses ASCII whitespace only; U+00A0 (&nbsp;) stays.
        let ws = |c: char| c.is_ascii_whitespace();
        let mut first = true;
        if t.starts_with(ws) {
            self.space = true;
        }
        for w in t.split(ws).filter(|w| !w.is_empty()) {
            if !first {
                self.space = true;
            }
            self.push(w);
            first = false;
        }
        if t.ends_with(ws) {
            self.space = true;
        }
    }
    fn push(&mut self, s: &str) {
        if !self.text.is_empty() {
            match self.brk {
                2 => self.text.push_str("\n\n"),
                1 => self.text.push('\n'),
                _ if self.space => self.text.push(' '),
                _ => {}
            }
        }
        self.brk = 0;
        self.space = false;
        self.text.push_str(s);
    }
    fn finish(self) -> String {
        self.text
    }
}

/// The charset an HTML page declares in its first 1024 bytes
/// (`<meta charset=…>` or `content="…; charset=…"`), if encoding_rs knows it.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_chrome_and_keeps_paragraphs() {
        let page = r#"<!DOCTYPE html><html><head><title> Kundenservice  heute </title>
            <style>p { color: red }</style><script>var x = "<p>nope</p>";</script></head>
            <body><header><nav><a href="/">Start</a> | <a href="/x">Menü</a></nav></header>
            <h1>Überschrift</h1>
            <p>Erster   Absatz mit <b>fett</b>
               und Umbruch.</p><p>Zweiter<br>Zeile zwei</p>
            <div>Block <span>inline</span></div>
            <ul><li>eins</li><li>zwei</li></ul>
            <form><input name=q><button>Suchen</button></form>
            <noscript>JS aus</noscript>
            <footer>© 2024 Firma</footer></body></html>"#;
        let h = html_to_text(page);
        assert_eq!(h.title.as_deref(), Some("Kundenservice heute"));
        assert_eq!(
            h.text,
            "Überschrift\n\nErster Absatz mit fett und Umbruch.\n\nZweiter\nZeile zwei\n\nBlock inline\n\neins\n\nzwei"
        );
    }

    #[test]
    fn title_falls_back_to_h1_and_entities_decode() {
        let h = html_to_text("<body><h1>Привет &amp; пока</h1><p>Текст&nbsp;здесь</p></body>");
        assert_eq!(h.title.as_deref(), Some("Привет & пока"));
        assert_eq!(h.text, "Привет & пока\n\nТекст\u{a0}здесь");
    }

    #[test]
    fn pre_keeps_lines_and_charset_is_read() {
        let h = html_to_text("<pre>a  b\nc</pre><p>x</p>");
        assert_eq!(h.text, "a  b\nc\n\nx");
        let enc = declared_charset(br#"<html><head><meta charset="windows-1256">"#);
        assert_eq!(enc, Some(encoding_rs::WINDOWS_1256));
        let enc =
            declared_charset(b"<meta http-equiv=Content-Type content='text/html; charset=KOI8-R'>");
        assert_eq!(enc, Some(encoding_rs::KOI8_R));
    }
}
