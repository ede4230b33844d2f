//! Files an agent sends with an email reply: any type, up to a size most mail
//! servers take (many refuse messages over 10-25 MB, and base64 adds a third).

/// The largest file a reply carries.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The attachment type a reply's file is kept as, or why it cannot go by email.
pub fn kind_for(mime: &str, size: usize) -> Result<&'static str, String> {
    if size > MAX_BYTES {
        return Err(format!(
            "an email carries files up to {} MB; this one is {:.1} MB",
            MAX_BYTES / (1024 * 1024),
            size as f64 / (1024.0 * 1024.0)
        ));
    }
    Ok(match mime.split('/').next().unwrap_or_default() {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        _ => "file",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_type_goes_up_to_the_limit() {
        assert_eq!(kind_for("image/png", 10), Ok("image"));
        assert_eq!(kind_for("application/pdf", MAX_BYTES), Ok("file"));
        let refused = kind_for("application/pdf", MAX_BYTES + 1).unwrap_err();
        assert!(refused.contains("up to 10 MB"), "{refused}");
    }
}
