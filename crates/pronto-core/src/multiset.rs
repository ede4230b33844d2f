//! A sorted multiset of response times that answers "the sum of the k smallest" fast.
//!
//! The live engine adds and removes one response time per event and asks for the sum
//! of the fastest 90% on every report. Values are kept in sorted blocks of at most
//! `2 * BLOCK` with a running sum per block: insert and remove cost a binary search
//! and a short memmove, and a query walks the blocks from the slow end, since the
//! slowest 10% is the smaller side.

const BLOCK: usize = 512;

#[derive(Debug, Clone, Default)]
struct Block {
    values: Vec<u64>,
    sum: u64,
}

/// A multiset of `u64` with order statistics over sums.
#[derive(Debug, Clone, Default)]
pub struct SumMultiset {
    blocks: Vec<Block>,
    len: usize,
    sum: u64,
}

impl SumMultiset {
    /// An empty multiset.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many values it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.len = 0;
        self.sum = 0;
    }

    /// The block that holds, or would hold, `value`.
    fn block_for(&self, value: u64) -> usize {
        let i = self
            .blocks
            .partition_point(|b| b.values.last().is_some_and(|&last| last < value));
        i.min(self.blocks.len().saturating_sub(1))
    }

    /// Adds `value`.
    pub fn insert(&mut self, value: u64) {
        self.len += 1;
        self.sum += value;
        if self.blocks.is_empty() {
            self.blocks.push(Block::default());
        }
        let bi = self.block_for(value);
        let block = &mut self.blocks[bi];
        let pos = block.values.partition_point(|&v| v < value);
        block.values.insert(pos, value);
        block.sum += value;
        if block.values.len() > 2 * BLOCK {
            let tail = block.values.split_off(BLOCK);
            let tail_sum: u64 = tail.iter().sum();
            block.sum -= tail_sum;
            self.blocks.insert(
                bi + 1,
                Block {
                    values: tail,
                    sum: tail_sum,
                },
            );
        }
    }

    /// Removes one `value`; returns whether it was there.
    pub fn remove(&mut self, value: u64) -> bool {
        if self.blocks.is_empty() {
            return false;
        }
        let bi = self.block_for(value);
        let block = &mut self.blocks[bi];
        let pos = block.values.partition_point(|&v| v < value);
        if block.values.get(pos) != Some(&value) {
            return false;
        }
        block.values.remove(pos);
        block.sum -= value;
        if block.values.is_empty() {
            self.blocks.remove(bi);
        }
        self.len -= 1;
        self.sum -= value;
        true
    }

    /// The sum of the `k` smallest values (all of them when `k >= len`).
    pub fn sum_smallest(&self, k: usize) -> u64 {
        if k >= self.len {
            return self.sum;
        }
        // Sum the `len - k` largest from the end, and subtract.
        let mut drop = self.len - k;
        let mut largest = 0u64;
        for block in self.blocks.iter().rev() {
            if drop == 0 {
                break;
            }
            if block.values.len() <= drop {
                largest += block.sum;
                drop -= block.values.len();
            } else {
                largest += block.values[block.values.len() - drop..]
                    .iter()
                    .sum::<u64>();
                drop = 0;
            }
        }
        self.sum - largest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_a_sorted_vector(ops in proptest::collection::vec((any::<bool>(), 0u64..3000), 0..4000), k in 0usize..5000) {
            let mut set = SumMultiset::new();
            let mut model: Vec<u64> = Vec::new();
            for (insert, v) in ops {
                if insert || model.is_empty() {
                    set.insert(v);
                    model.push(v);
                } else {
                    let victim = model[v as usize % model.len()];
                    prop_assert!(set.remove(victim));
                    let at = model.iter().position(|&x| x == victim).unwrap();
                    model.swap_remove(at);
                }
            }
            model.sort_unstable();
            prop_assert_eq!(set.len(), model.len());
            let expected: u64 = model.iter().take(k).sum();
            prop_assert_eq!(set.sum_smallest(k), expected);
            prop_assert!(!set.remove(u64::MAX));
        }
    }
}
