//! Expensive reads that anyone signed in may ask for — "Check drift now", which reads every
//! server again — are single-flight: callers that come while one is under way share its answer
//! instead of starting another (the drift watch's own pass is the same run). "Check drift now"
//! is also limited per user, so that page loads and clicks cannot hammer the servers.

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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

    /// Joins the run under way, or starts one with `start`; the answer is the returned
    /// future's. The run goes on on a task of its own, so a caller going away does not stall
    /// the others.
    pub(crate) fn join<F>(&self, start: impl FnOnce() -> F) -> Shared<BoxFuture<'static, T>>
    where
        F: Future<Output = T> + Send + 'static,
    {
        {
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
        }
    }

    /// How many runs were started (callers that joined one are not counted).
    pub(crate) fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }
}

/// How often each user may start a new "Check drift now" (joining one under way is free).
pub const DRIFT_CHECK_EVERY: Duration = Duration::from_secs(10);

/// Counts of expensive runs actually started, for the logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlightCounts {
    pub drift_checks: u64,
    pub failover_reads: u64,
}
