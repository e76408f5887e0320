//! Small in-memory caches for what pages draw and count. Keys carry what the value depends on
//! (the world's generation, the store's data version, the viewport, the language), so a change
//! makes a new key rather than needing an invalidation. Each cache is emptied when it fills.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A bounded map from keys to shared values, with an optional maximum age.
pub struct Cache<V: ?Sized> {
    entries: Mutex<HashMap<String, (Instant, Arc<V>)>>,
    capacity: usize,
    max_age: Option<Duration>,
}

impl<V: ?Sized> Cache<V> {
    /// A cache of at most `capacity` entries, each kept at most `max_age` if given.
    pub fn new(capacity: usize, max_age: Option<Duration>) -> Self {
        Cache {
            entries: Mutex::new(HashMap::new()),
            capacity,
            max_age,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Instant, Arc<V>)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The value for `key`, if present and fresh.
    pub fn get(&self, key: &str) -> Option<Arc<V>> {
        let entries = self.lock();
        let (stored, value) = entries.get(key)?;
        match self.max_age {
            Some(age) if stored.elapsed() > age => None,
            _ => Some(Arc::clone(value)),
        }
    }

    /// Keeps `value` under `key` and returns it.
    pub fn put(&self, key: &str, value: Arc<V>) -> Arc<V> {
        let mut entries = self.lock();
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key.to_owned(), (Instant::now(), Arc::clone(&value)));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_until_they_age_or_the_cache_fills() {
        let cache: Cache<str> = Cache::new(2, None);
        cache.put("a", Arc::from("one"));
        assert_eq!(cache.get("a").as_deref(), Some("one"));
        cache.put("b", Arc::from("two"));
        cache.put("c", Arc::from("three"));
        assert_eq!(cache.get("a"), None, "full: emptied before c went in");
        assert_eq!(cache.get("c").as_deref(), Some("three"));

        let ageing: Cache<str> = Cache::new(2, Some(Duration::ZERO));
        ageing.put("a", Arc::from("one"));
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(ageing.get("a"), None);
    }
}
