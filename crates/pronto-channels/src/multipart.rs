//! A `multipart/form-data` body with text fields and one file, as Meta's upload
//! endpoints take it (Messenger's Attachment Upload API, WhatsApp's media upload).

/// The body and its `Content-Type`: each `(name, value)` field, then the file under
/// `file_field` with its name (plain characters only: it goes into a header) and
/// MIME type. The boundary is chosen by the caller, any string the bytes do not
/// hold.
pub fn form(
    fields: &[(&str, &str)],
    file_field: &str,
    filename: &str,
    mime: &str,
    bytes: &[u8],
    boundary: &str,
) -> (String, Vec<u8>) {
    let name: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let mut out = Vec::with_capacity(bytes.len() + 512);
    for (field, value) in fields {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\n\
             Content-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}
