//! Customers' profile pictures, as Meta's CDN would serve them: a PNG drawn from
//! the customer's id (a mirrored 5×5 pattern in one of a few colours), so that
//! each customer of the demo and of the tests has their own, always the same.

/// The picture's side, in pixels.
pub const SIDE: u32 = 50;
const CELL: u32 = 8;
const MARGIN: u32 = (SIDE - 5 * CELL) / 2;
const BACKGROUND: [u8; 3] = [0xf1, 0xf3, 0xf5];
const COLOURS: [[u8; 3]; 8] = [
    [0x2b, 0x6c, 0xb0],
    [0xc0, 0x39, 0x2b],
    [0x27, 0x8e, 0x5a],
    [0x8e, 0x44, 0xad],
    [0xd3, 0x7a, 0x1f],
    [0x16, 0x8a, 0x8a],
    [0xb0, 0x3a, 0x7a],
    [0x4a, 0x5a, 0x6a],
];

/// The PNG of customer `id`'s picture.
pub fn picture(id: &str) -> Vec<u8> {
    // FNV-1a: a stable hash, the same on every machine and every run.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let colour = COLOURS[(hash % COLOURS.len() as u64) as usize];
    // Columns 0 to 2 are drawn from the hash's bits; 3 and 4 mirror 1 and 0.
    let on = |col: u32, row: u32| {
        let col = col.min(4 - col);
        hash >> (8 + row * 3 + col) & 1 == 1
    };
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let inside = (MARGIN..MARGIN + 5 * CELL).contains(&x)
                && (MARGIN..MARGIN + 5 * CELL).contains(&y);
            let lit = inside && on((x - MARGIN) / CELL, (y - MARGIN) / CELL);
            pixels.extend_from_slice(if lit { &colour } else { &BACKGROUND });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing to a Vec of the right size cannot fail.
    let mut writer = encoder.write_header().expect("a PNG header to memory");
    writer
        .write_image_data(&pixels)
        .expect("the PNG's pixels to memory");
    writer.finish().expect("the PNG's end to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_customer_has_their_own_picture_always_the_same() {
        let a = picture("psid-giulia");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(a, picture("psid-giulia"));
        assert_ne!(a, picture("psid-marco"));
    }
}
