//! A file an agent attaches, as the Cloud API's media upload takes it
//! (`POST /{phone-number-id}/media`): checked against WhatsApp's types and sizes
//! before Pronto keeps it (so the agent hears at once what WhatsApp would refuse),
//! then sent once per number as a multipart body whose answer is a media id,
//! which a message names (`{"image": {"id": ...}}`) while it lives (30 days).

/// How long Pronto reuses an uploaded media id: WhatsApp keeps them 30 days.
pub const REUSE_DAYS: i64 = 25;

const KB: usize = 1024;
const MB: usize = 1024 * 1024;

/// The largest file WhatsApp takes (a document), in bytes.
pub const MAX_BYTES: usize = 100 * MB;

/// WhatsApp's message type for a file of `mime` type and `size` bytes, with the
/// limit of that type, or why WhatsApp would refuse it (a sentence for the agent).
pub fn kind_for(mime: &str, size: usize) -> Result<&'static str, String> {
    let (kind, limit, label) = match mime {
        "image/jpeg" | "image/png" => ("image", 5 * MB, "5 MB"),
        "image/webp" => ("sticker", 500 * KB, "500 KB"),
        "video/mp4" | "video/3gpp" => ("video", 16 * MB, "16 MB"),
        "audio/aac" | "audio/amr" | "audio/mpeg" | "audio/mp4" | "audio/ogg" => {
            ("audio", 16 * MB, "16 MB")
        }
        "text/plain"
        | "application/pdf"
        | "application/msword"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            ("document", MAX_BYTES, "100 MB")
        }
        m if m.starts_with("image/") => {
            return Err(format!("WhatsApp takes JPEG or PNG images, not {m}"));
        }
        m if m.starts_with("video/") => {
            return Err(format!("WhatsApp takes MP4 or 3GP videos, not {m}"));
        }
        m if m.starts_with("audio/") => {
            return Err(format!(
                "WhatsApp takes AAC, AMR, MP3, M4A or OGG (Opus) audio, not {m}"
            ));
        }
        m => {
            return Err(format!(
                "WhatsApp takes documents as TXT, PDF, Word, Excel or PowerPoint files, not {m}"
            ));
        }
    };
    if size == 0 {
        return Err("the file is empty".into());
    }
    if size > limit {
        return Err(format!(
            "WhatsApp takes {kind}s of at most {label}; this one has {:.1} MB",
            size as f64 / MB as f64
        ));
    }
    Ok(kind)
}

/// The multipart body of `POST /{phone-number-id}/media` for a file, with its
/// `Content-Type` (the boundary is chosen by the caller, any string the bytes do
/// not hold).
pub fn body(filename: &str, mime: &str, bytes: &[u8], boundary: &str) -> (String, Vec<u8>) {
    crate::multipart::form(
        &[("messaging_product", "whatsapp"), ("type", mime)],
        "file",
        filename,
        mime,
        bytes,
        boundary,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_sizes_are_checked_as_whatsapp_does() {
        assert_eq!(kind_for("image/png", 10), Ok("image"));
        assert_eq!(kind_for("image/webp", 10), Ok("sticker"));
        assert_eq!(kind_for("application/pdf", 10), Ok("document"));
        assert_eq!(kind_for("video/mp4", 10), Ok("video"));
        assert_eq!(kind_for("audio/ogg", 10), Ok("audio"));
        assert!(
            kind_for("image/gif", 10)
                .unwrap_err()
                .contains("JPEG or PNG")
        );
        assert!(kind_for("text/html", 10).unwrap_err().contains("PDF"));
        assert!(kind_for("video/webm", 10).unwrap_err().contains("MP4"));
        assert!(
            kind_for("image/jpeg", 5 * MB + 1)
                .unwrap_err()
                .contains("at most 5 MB")
        );
        assert!(
            kind_for("image/webp", 501 * KB)
                .unwrap_err()
                .contains("500 KB")
        );
        assert!(
            kind_for("video/mp4", 16 * MB + 1)
                .unwrap_err()
                .contains("16 MB")
        );
        assert!(kind_for("application/pdf", MAX_BYTES).is_ok());
        assert!(kind_for("application/pdf", MAX_BYTES + 1).is_err());
        assert!(kind_for("application/pdf", 0).is_err());
    }

    #[test]
    fn the_body_holds_the_product_the_type_and_the_file() {
        let (ct, b) = body("a b/../c.pdf", "application/pdf", b"%PDF", "XYZ");
        assert_eq!(ct, "multipart/form-data; boundary=XYZ");
        let text = String::from_utf8(b).unwrap();
        assert!(
            text.contains("name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"),
            "{text}"
        );
        assert!(
            text.contains("name=\"type\"\r\n\r\napplication/pdf\r\n"),
            "{text}"
        );
        assert!(
            text.contains("name=\"file\"; filename=\"ab..c.pdf\""),
            "{text}"
        );
        assert!(text.ends_with("%PDF\r\n--XYZ--\r\n"), "{text}");
    }
}
