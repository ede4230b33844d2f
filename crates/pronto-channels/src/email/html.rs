//! A received mail's HTML, for the whole-email view: its HTML part as sent
//! ([`part`]), with the `cid:` references to its inline images pointed at where
//! Pronto serves them ([`link_inline`]). What makes it safe to show is the
//! server's: the document is served under a policy that runs no script, sends no
//! form and loads nothing from elsewhere.

use mail_parser::{MessageParser, PartType};

/// The text of a mail's first HTML part; none for a mail without one (a plain
/// text mail is not turned into HTML here).
pub fn part(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(raw)?;
    let index = *message.html_body.first()?;
    match &message.parts.get(index as usize)?.body {
        PartType::Html(html) => Some(html.to_string()),
        _ => None,
    }
}

/// `html` with every `cid:ID` (the prefix in any case) whose ID is one of
/// `targets`' replaced by its URL; other `cid:` references stay as they are (and
/// load nothing).
pub fn link_inline(html: &str, targets: &[(String, String)]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = find_cid(rest) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let end = after
            .find(|c: char| matches!(c, '"' | '\'' | ')' | '>') || c.is_whitespace())
            .unwrap_or(after.len());
        match targets.iter().find(|(cid, _)| cid == &after[..end]) {
            Some((_, url)) => out.push_str(url),
            None => out.push_str(&rest[at..at + 4 + end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Where `cid:` starts in `text`, in any case.
fn find_cid(text: &str) -> Option<usize> {
    text.as_bytes()
        .windows(4)
        .position(|w| w.eq_ignore_ascii_case(b"cid:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_images_point_at_their_files_and_unknown_ones_stay() {
        let html = r#"<img src="cid:logo@x"><img src='CID:other'><p style="background:url(cid:logo@x)">cid: text</p>"#;
        let targets = vec![("logo@x".to_owned(), "/api/v1/media/7".to_owned())];
        assert_eq!(
            link_inline(html, &targets),
            r#"<img src="/api/v1/media/7"><img src='CID:other'><p style="background:url(/api/v1/media/7)">cid: text</p>"#
        );
    }

    #[test]
    fn only_a_real_html_part_is_returned() {
        let html = b"From: a@x.test\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHi\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hi <b>there</b></p>\r\n--b--\r\n";
        assert_eq!(
            part(html).as_deref().map(str::trim),
            Some("<p>Hi <b>there</b></p>")
        );
        let text = b"From: a@x.test\r\nContent-Type: text/plain\r\n\r\nHi\r\n";
        assert_eq!(part(text), None);
    }
}
