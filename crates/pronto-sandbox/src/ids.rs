//! A small seeded generator (SplitMix64) and the ids the sandbox hands out.
//!
//! Hand-written so that a seed gives the same customers and events on every
//! platform and every version of every dependency; the quality needed here is
//! "looks varied", not cryptographic.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items` (not empty).
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[i]
    }

    /// A numeric id of `digits` digits, like Meta's PSIDs and IGSIDs.
    pub(crate) fn digits(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        s.push(char::from(b'1' + u8::try_from(self.below(9)).unwrap_or(0)));
        while s.len() < digits {
            s.push(char::from(b'0' + u8::try_from(self.below(10)).unwrap_or(0)));
        }
        s
    }
}

/// Meta's `created_time` format: `2022-07-12T19:11:07+0000`.
pub(crate) fn graph_time(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a (year, month, day), after Howard Hinnant's algorithm.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_times_are_utc_with_meta_offset() {
        assert_eq!(graph_time(0), "1970-01-01T00:00:00+0000");
        // 2022-07-12T19:11:07Z, the reference's example.
        assert_eq!(
            graph_time(1_657_653_067_000_000),
            "2022-07-12T19:11:07+0000"
        );
        assert_eq!(graph_time(951_782_400_000_000), "2000-02-29T00:00:00+0000");
    }

    #[test]
    fn a_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(
            xs,
            (0..5).map(|_| Rng::new(8).next_u64()).collect::<Vec<_>>()
        );
        assert_eq!(Rng::new(1).digits(16).len(), 16);
    }
}
