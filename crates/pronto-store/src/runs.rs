//! Statements over many rows, in a few fixed sizes. A list of rows is cut into runs
//! of 64, 32, 16, 8, 4, 2 and 1 ([`fixed_runs`]: as many of the largest as fit, then
//! smaller), so that a statement written for a run's length has seven forms only
//! ([`Forms`], built once) and each connection keeps at most seven prepared
//! statements of it, while a batch of n rows takes at most log2(n) + 1 statements.

use std::sync::OnceLock;

/// The lengths of runs, largest first.
const SIZES: [usize; 7] = [64, 32, 16, 8, 4, 2, 1];

/// `items` cut into runs of [`SIZES`], in order.
pub(crate) fn fixed_runs<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = SIZES.into_iter().find(|&n| items.len() >= n)?;
        let (run, rest) = items.split_at(size);
        items = rest;
        Some(run)
    })
}

/// A statement written for each run length, built once by `build(rows)`.
pub(crate) struct Forms {
    built: OnceLock<[String; 7]>,
    build: fn(usize) -> String,
}

impl Forms {
    pub(crate) const fn new(build: fn(usize) -> String) -> Forms {
        Forms {
            built: OnceLock::new(),
            build,
        }
    }

    /// The statement for a run of `rows` (a length [`fixed_runs`] gives).
    pub(crate) fn get(&self, rows: usize) -> &str {
        let forms = self.built.get_or_init(|| SIZES.map(self.build));
        let i = SIZES
            .iter()
            .position(|&n| n == rows)
            .unwrap_or(SIZES.len() - 1);
        &forms[i]
    }
}

/// `($from, $from+1, ...)` for each of `rows` rows of `width` parameters.
pub(crate) fn params(rows: usize, width: usize, from: usize) -> String {
    (0..rows)
        .map(|r| {
            let p: Vec<String> = (0..width)
                .map(|k| format!("${}", from + r * width + k))
                .collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$from, $from+1, ...`: `n` parameters, for an `IN` list.
pub(crate) fn list(n: usize, from: usize) -> String {
    (from..from + n)
        .map(|p| format!("${p}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_everything_in_order_in_few_statements() {
        let items: Vec<u32> = (0..75).collect();
        let runs: Vec<&[u32]> = fixed_runs(&items).collect();
        let sizes: Vec<usize> = runs.iter().map(|r| r.len()).collect();
        assert_eq!(sizes, [64, 8, 2, 1]);
        assert_eq!(runs.concat(), items);
        assert_eq!(fixed_runs::<u32>(&[]).count(), 0);
        let sizes: Vec<usize> = fixed_runs(&items[..31]).map(<[u32]>::len).collect();
        assert_eq!(sizes, [16, 8, 4, 2, 1]);
    }

    #[test]
    fn forms_are_built_per_length() {
        static F: Forms = Forms::new(|n| format!("VALUES {}", params(n, 2, 1)));
        assert_eq!(F.get(1), "VALUES ($1, $2)");
        assert_eq!(F.get(2), "VALUES ($1, $2), ($3, $4)");
        assert_eq!(list(3, 2), "$2, $3, $4");
    }
}
