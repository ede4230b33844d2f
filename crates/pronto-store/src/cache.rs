//! Values read on every message or request (a channel, an API token's owner; in the
//! server a workspace's rules and a channel's automations), kept for a moment so
//! that a busy channel does not read them from the database once a message.
//!
//! A change made through this node forgets the entry at once; a change made on
//! another node is seen within [`FRESH`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a value read from the database is used before it is read again.
pub const FRESH: Duration = Duration::from_secs(1);

/// The most keys kept.
const MAX_KEYS: usize = 4096;

/// Values by key, each kept for [`FRESH`].
pub struct Cache<K, V> {
    map: Mutex<HashMap<K, (Instant, V)>>,
    /// Bumped by every forget: a value read before it is not kept (the read may
    /// have seen the database before the change).
    generation: AtomicU64,
}

impl<K, V> std::fmt::Debug for Cache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache(..)")
    }
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Cache<K, V> {
    /// The value of `key`, from `load` when it is not kept or too old.
    pub async fn get<E>(&self, key: &K, load: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        if let Ok(map) = self.map.lock()
            && let Some((at, v)) = map.get(key)
            && at.elapsed() < FRESH
        {
            return Ok(v.clone());
        }
        let started = Instant::now();
        let generation = self.generation.load(Ordering::SeqCst);
        let value = load.await?;
        if let Ok(mut map) = self.map.lock()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            // Bounded: a key seen once is not kept forever, and many keys seen
            // within a moment (tokens that do not exist, say) empty it.
            if map.len() >= MAX_KEYS {
                map.retain(|_, (at, _)| at.elapsed() < FRESH);
                if map.len() >= MAX_KEYS {
                    map.clear();
                }
            }
            map.insert(key.clone(), (started, value.clone()));
        }
        Ok(value)
    }

    /// Forgets `key` (its value changed on this node).
    pub fn forget(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            map.remove(key);
        }
    }

    /// Forgets every key (a change on this node whose keys are not known).
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            map.clear();
        }
    }
}
