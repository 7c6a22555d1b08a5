//! What the busiest reads ask again and again, kept between changes: the number of scopes a
//! DHCP Scopes filter matches (a count over every scope), the unreachable servers, whether
//! every server has been read once (its scopes, its failover states), and the Dashboard. Each
//! answer is kept with the inventory's generation, which moves after every change is committed
//! (here, or on another instance: its notice moves it too), and for a few seconds at most.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tandem_core::views::{Dashboard, UnreachableServer};

/// The longest an answer is kept, whatever happens.
const KEPT: Duration = Duration::from_secs(5);
/// The most answers of one kind kept (all are forgotten when there would be more).
const MOST: usize = 512;

struct Entry<T> {
    generation: u64,
    at: Instant,
    value: T,
}

/// Answers of one kind, by key (`""` where there is one answer).
pub(crate) struct Answers<T>(Mutex<HashMap<String, Entry<T>>>);

impl<T: Clone> Answers<T> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    /// The answer kept for `key` under `generation`, if it is still fresh.
    pub(crate) fn get(&self, key: &str, generation: u64) -> Option<T> {
        let all = self.0.lock().expect("cache");
        all.get(key)
            .filter(|e| e.generation == generation && e.at.elapsed() < KEPT)
            .map(|e| e.value.clone())
    }

    /// Keeps `value` for `key`, read under `generation`.
    pub(crate) fn put(&self, key: String, generation: u64, value: T) {
        let mut all = self.0.lock().expect("cache");
        if all.len() >= MOST {
            all.clear();
        }
        all.insert(
            key,
            Entry {
                generation,
                at: Instant::now(),
                value,
            },
        );
    }
}

pub(crate) struct ListCache {
    generation: AtomicU64,
    pub(crate) counts: Answers<u64>,
    pub(crate) unreachable: Answers<Vec<UnreachableServer>>,
    pub(crate) all_read: Answers<()>,
    pub(crate) all_states_read: Answers<()>,
    pub(crate) dashboards: Answers<Dashboard>,
}

impl ListCache {
    pub(crate) fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            counts: Answers::new(),
            unreachable: Answers::new(),
            all_read: Answers::new(),
            all_states_read: Answers::new(),
            dashboards: Answers::new(),
        }
    }

    /// The generation to read under: take it before reading, keep what was read under it.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// After a change is committed: what was kept before it is not answered again.
    pub(crate) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}
