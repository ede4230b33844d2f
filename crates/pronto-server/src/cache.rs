//! Settings read on every customer message (a workspace's rules, a channel's
//! automations), kept for a moment so that a busy channel does not read them from
//! the database once a message.
//!
//! A change made through this node forgets the entry at once; a change made on
//! another node is seen within [`FRESH`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a value read from the database is used before it is read again.
pub const FRESH: Duration = Duration::from_secs(1);

/// Values by key, each kept for [`FRESH`].
pub struct Cache<K, V> {
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
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
        let value = load.await?;
        if let Ok(mut map) = self.map.lock() {
            // Bounded: a key seen once is not kept forever.
            if map.len() >= 4096 {
                map.retain(|_, (at, _)| at.elapsed() < FRESH);
            }
            map.insert(key.clone(), (started, value.clone()));
        }
        Ok(value)
    }

    /// Forgets `key` (its value changed on this node).
    pub fn forget(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(key);
        }
    }
}
