//! Expensive reads that anyone signed in may ask for — "Check drift now" (every server read
//! again) and the failover states every view of relationships asks every server for — are
//! single-flight: callers that come while one is under way share its answer instead of
//! starting another. "Check drift now" is also limited per user; the failover states just
//! read are reused for a moment, so page loads and live refreshes cannot hammer the servers.

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One shared run of an expensive read at a time.
pub(crate) struct Flight<T: Clone> {
    current: Mutex<Option<Shared<BoxFuture<'static, T>>>>,
    runs: AtomicU64,
}

impl<T: Clone + Send + Sync + 'static> Flight<T> {
    pub(crate) fn new() -> Self {
        Self {
            current: Mutex::new(None),
            runs: AtomicU64::new(0),
        }
    }

    /// Whether a run is under way (a caller would join it).
    pub(crate) fn in_flight(&self) -> bool {
        self.current
            .lock()
            .expect("flight")
            .as_ref()
            .is_some_and(|s| s.peek().is_none())
    }

    /// Joins the run under way, or starts one with `start`. The run goes on on a task of its
    /// own, so a caller going away does not stall the others.
    pub(crate) async fn run<F>(&self, start: impl FnOnce() -> F) -> T
    where
        F: Future<Output = T> + Send + 'static,
    {
        let shared = {
            let mut current = self.current.lock().expect("flight");
            match current.as_ref() {
                Some(running) if running.peek().is_none() => running.clone(),
                _ => {
                    self.runs.fetch_add(1, Ordering::Relaxed);
                    let task = tokio::spawn(start());
                    let run = async move { task.await.expect("a flight's task does not panic") }
                        .boxed()
                        .shared();
                    *current = Some(run.clone());
                    run
                }
            }
        };
        shared.await
    }

    /// How many runs were started (callers that joined one are not counted).
    pub(crate) fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// The last run's answer, if it has finished.
    pub(crate) fn last(&self) -> Option<T> {
        self.current
            .lock()
            .expect("flight")
            .as_ref()
            .and_then(|s| s.peek().cloned())
    }

    /// Forgets the last answer (something changed): the next caller starts a new run.
    pub(crate) fn forget(&self) {
        let mut current = self.current.lock().expect("flight");
        if current.as_ref().is_some_and(|s| s.peek().is_some()) {
            *current = None;
        }
    }
}

/// How often each user may start a new "Check drift now" (joining one under way is free).
pub const DRIFT_CHECK_EVERY: Duration = Duration::from_secs(10);

/// Per-user spacing of an action: when each user last started one.
pub(crate) struct PerUser {
    every: Duration,
    last: Mutex<HashMap<String, Instant>>,
}

impl PerUser {
    pub(crate) fn new(every: Duration) -> Self {
        Self {
            every,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `user`'s turn now, or says how long until they may.
    pub(crate) fn take(&self, user: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut last = self.last.lock().expect("per user");
        // Old entries go, so that the map stays as small as the set of recent users.
        last.retain(|_, at| now.duration_since(*at) < self.every);
        if let Some(at) = last.get(user) {
            return Err(self.every - now.duration_since(*at));
        }
        last.insert(user.to_string(), now);
        Ok(())
    }
}

/// How long failover states just read are reused by the next callers.
pub(crate) const STATES_FRESH: Duration = Duration::from_secs(2);

/// Counts of expensive runs actually started, for the logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlightCounts {
    pub drift_checks: u64,
    pub failover_reads: u64,
}
