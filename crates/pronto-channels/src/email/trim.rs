//! The part of a reply its sender wrote: the text above the quoted history and the
//! signature. Pronto's own separator is looked for first (it is in every mail
//! Pronto sends), then the clients' markers (Gmail's "On … wrote:", also wrapped
//! over two lines and in French and Italian; Outlook's "-----Original Message-----"
//! and "From: … Sent: …" blocks and its underscore rule), then a trailing block of
//! `>` lines, then a signature (`-- `, "Sent from my …"). The full text is always
//! kept beside it; when trimming would leave nothing, the full text is shown.

/// The line Pronto puts above the quoted history of the mail it sends.
pub const SEPARATOR: &str = "-- Reply above this line --";

/// The text above the quoted history and the signature.
pub fn visible(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if starts_history(&lines, i, line) {
            end = i;
            break;
        }
    }
    // A trailing block of quoted lines (with blank lines between them).
    let mut quoted_from = end;
    for i in (0..end).rev() {
        let l = lines[i].trim_start();
        if l.starts_with('>') {
            quoted_from = i;
        } else if !l.is_empty() {
            break;
        }
    }
    end = quoted_from;
    // The signature: from the last "-- " line, or a mobile client's line.
    if let Some(sig) = (0..end).rev().find(|&i| {
        let l = lines[i];
        l == "-- " || l == "--" || l.trim_start().starts_with("Sent from my ")
    }) {
        end = sig;
    }
    let shown = lines[..end].join("\n").trim().to_owned();
    if shown.is_empty() {
        text.trim().to_owned()
    } else {
        shown
    }
}

fn starts_history(lines: &[&str], i: usize, line: &str) -> bool {
    let l = line.trim();
    if l.contains(SEPARATOR) {
        return true;
    }
    let lower = l.to_lowercase();
    if lower.starts_with("-----original message-----")
        || lower.starts_with("----- original message -----")
        || lower.starts_with("-----message d'origine-----")
        || lower.starts_with("-----messaggio originale-----")
        || lower.starts_with("---------- forwarded message")
    {
        return true;
    }
    // Outlook: a rule of underscores, or a "From:" block with "Sent:"/"Date:" below.
    if l.len() >= 20 && l.chars().all(|c| c == '_') {
        return true;
    }
    if (lower.starts_with("from:") || lower.starts_with("de :") || lower.starts_with("da:"))
        && lines[i + 1..].iter().take(4).any(|n| {
            let n = n.trim().to_lowercase();
            n.starts_with("sent:")
                || n.starts_with("date:")
                || n.starts_with("envoyé :")
                || n.starts_with("inviato:")
        })
    {
        return true;
    }
    // Gmail and Apple Mail: "On <date>, <name> wrote:", maybe wrapped on two lines.
    let wrote = |s: &str| {
        let s = s.trim_end().to_lowercase();
        s.ends_with("wrote:")
            || s.ends_with("a écrit :")
            || s.ends_with("a écrit:")
            || s.ends_with("ha scritto:")
    };
    let opens = lower.starts_with("on ") || lower.starts_with("le ") || lower.starts_with("il ");
    if opens && wrote(l) {
        return true;
    }
    if opens
        && let Some(next) = lines.get(i + 1)
        && wrote(next)
        && !next.trim_start().starts_with('>')
    {
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_quotes_are_cut_also_when_wrapped() {
        let text = "Thanks, that works!\n\nOn Mon, 7 Dec 2026 at 10:00, Support <support@example.test> wrote:\n> Try again\n> please";
        assert_eq!(visible(text), "Thanks, that works!");
        let wrapped = "Yes please.\n\nOn Mon, 7 Dec 2026 at 10:00, Pronto Support\n<support@example.test> wrote:\n\n> Shall we?";
        assert_eq!(visible(wrapped), "Yes please.");
        let fr =
            "Merci !\n\nLe lun. 7 déc. 2026 à 10:00, Support <s@example.test> a écrit :\n> Bonjour";
        assert_eq!(visible(fr), "Merci !");
    }

    #[test]
    fn outlook_blocks_are_cut() {
        let text = "See attached.\r\n\r\n________________________________\r\nFrom: Support <support@example.test>\r\nSent: Monday\r\nSubject: Re: x\r\n\r\nold text";
        assert_eq!(visible(&text.replace("\r\n", "\n")), "See attached.");
        let block = "Fine.\n\nFrom: Support <support@example.test>\nSent: Monday, December 7, 2026 10:00\nTo: Ann\n\nold";
        assert_eq!(visible(block), "Fine.");
        let original = "Ok\n-----Original Message-----\nFrom: x";
        assert_eq!(visible(original), "Ok");
    }

    #[test]
    fn signatures_and_own_separator_are_cut_and_nothing_left_shows_all() {
        assert_eq!(visible("Hi\n-- \nAnn\nACME"), "Hi");
        assert_eq!(visible("Sure\n\nSent from my iPhone"), "Sure");
        assert_eq!(
            visible(&format!("New answer\n{SEPARATOR}\nold")),
            "New answer"
        );
        assert_eq!(visible("> only a quote"), "> only a quote");
        // "From:" in running text without an Outlook block stays.
        assert_eq!(visible("From: my side it works"), "From: my side it works");
        // Inline answers between quotes are kept.
        assert_eq!(
            visible("> question 1\nanswer 1\n> question 2\nanswer 2"),
            "> question 1\nanswer 1\n> question 2\nanswer 2"
        );
    }
}
