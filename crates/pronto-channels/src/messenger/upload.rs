//! A file an agent attaches, as Meta's Attachment Upload API takes it: checked
//! against Meta's types and size before Pronto keeps it (so the agent hears at once
//! what the platform would refuse), then sent once per Page as a multipart body,
//! whose answer is a reusable `attachment_id` (valid 90 days).

/// The largest attachment Meta takes, in bytes (25 MB).
pub const MAX_BYTES: usize = 25 * 1024 * 1024;
/// The largest image, in bytes (8 MB).
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// How long Pronto reuses an `attachment_id`: Meta keeps them 90 days.
pub const REUSE_DAYS: i64 = 80;

/// The Send API's attachment type for a file of `mime` type and `size` bytes, or
/// why Meta would refuse it (a sentence for the agent).
pub fn kind_for(mime: &str, size: usize) -> Result<&'static str, String> {
    let kind = match mime {
        "image/jpeg" | "image/png" | "image/gif" | "image/webp" => "image",
        m if m.starts_with("video/") => "video",
        m if m.starts_with("audio/") => "audio",
        m if m.starts_with("image/") => {
            return Err(format!(
                "Messenger and Instagram take JPEG, PNG, GIF or WebP images, not {m}"
            ));
        }
        "text/html" | "image/svg+xml" | "application/javascript" | "text/javascript" => {
            return Err(format!("Messenger and Instagram do not take {mime} files"));
        }
        _ => "file",
    };
    sized(kind, size, "Messenger and Instagram")
}

/// `kind` if a file of `size` bytes is within Meta's limit for it (8 MB for
/// images, 25 MB for the rest), else why `platform` would refuse it.
fn sized(kind: &'static str, size: usize, platform: &str) -> Result<&'static str, String> {
    if size == 0 {
        return Err("the file is empty".into());
    }
    let limit = if kind == "image" {
        MAX_IMAGE_BYTES
    } else {
        MAX_BYTES
    };
    if size > limit {
        return Err(format!(
            "{platform} take{} {kind}s of at most {} MB; this one has {:.1} MB",
            if platform.contains(" and ") { "" } else { "s" },
            limit / 1024 / 1024,
            size as f64 / 1024.0 / 1024.0
        ));
    }
    Ok(kind)
}

/// Instagram's attachment type for a file, or why Instagram would refuse it:
/// PNG, JPEG or GIF images up to 8 MB, audio and video up to 25 MB, no other
/// files (Instagram has no `file` attachment to send).
pub fn instagram_kind_for(mime: &str, size: usize) -> Result<&'static str, String> {
    let kind = match mime {
        "image/jpeg" | "image/png" | "image/gif" => "image",
        m if m.starts_with("image/") => {
            return Err(format!("Instagram takes PNG, JPEG or GIF images, not {m}"));
        }
        "video/mp4" | "video/quicktime" | "video/webm" => "video",
        m if m.starts_with("audio/") => "audio",
        m => {
            return Err(format!(
                "Instagram takes images, audio and video only, not {m} files"
            ));
        }
    };
    sized(kind, size, "Instagram")
}

/// The multipart body of `POST /{page-id}/message_attachments` for a file, with
/// its `Content-Type` (the boundary is chosen by the caller, any string the bytes
/// do not hold).
pub fn body(
    kind: &str,
    filename: &str,
    mime: &str,
    bytes: &[u8],
    boundary: &str,
) -> (String, Vec<u8>) {
    let message =
        serde_json::json!({"attachment": {"type": kind, "payload": {"is_reusable": true}}})
            .to_string();
    crate::multipart::form(
        &[("message", &message)],
        "filedata",
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
    fn types_and_sizes_are_checked_as_meta_does() {
        assert_eq!(kind_for("image/png", 10), Ok("image"));
        assert_eq!(kind_for("application/pdf", 10), Ok("file"));
        assert_eq!(kind_for("video/mp4", 10), Ok("video"));
        assert!(kind_for("image/svg+xml", 10).is_err());
        assert!(kind_for("image/tiff", 10).unwrap_err().contains("JPEG"));
        assert!(
            kind_for("image/png", MAX_IMAGE_BYTES + 1)
                .unwrap_err()
                .contains("8 MB")
        );
        assert!(
            kind_for("application/pdf", MAX_BYTES + 1)
                .unwrap_err()
                .contains("25 MB")
        );
        assert!(kind_for("application/pdf", 0).is_err());
    }

    #[test]
    fn instagram_takes_images_audio_and_video_only() {
        assert_eq!(instagram_kind_for("image/gif", 10), Ok("image"));
        assert_eq!(instagram_kind_for("video/mp4", 10), Ok("video"));
        assert_eq!(instagram_kind_for("audio/mpeg", 10), Ok("audio"));
        assert!(
            instagram_kind_for("image/webp", 10)
                .unwrap_err()
                .contains("GIF")
        );
        assert!(
            instagram_kind_for("application/pdf", 10)
                .unwrap_err()
                .contains("not application/pdf")
        );
        assert!(
            instagram_kind_for("image/png", MAX_IMAGE_BYTES + 1)
                .unwrap_err()
                .contains("8 MB")
        );
        assert!(instagram_kind_for("video/mp4", 0).is_err());
    }

    #[test]
    fn the_body_holds_the_message_and_the_file() {
        let (ct, b) = body("file", "a b/../c.pdf", "application/pdf", b"%PDF", "XYZ");
        assert_eq!(ct, "multipart/form-data; boundary=XYZ");
        let text = String::from_utf8(b).unwrap();
        assert!(
            text.contains("name=\"filedata\"; filename=\"ab..c.pdf\""),
            "{text}"
        );
        assert!(text.contains("\"is_reusable\":true"), "{text}");
        assert!(text.ends_with("%PDF\r\n--XYZ--\r\n"), "{text}");
    }
}
