//! Expensive reads that anyone signed in may ask for — "Check drift now", which reads every
//! server again — are single-flight: callers that come while one is under way share a run
//! instead of starting another (the drift watch's own pass is the same run). A caller who asks
//! for a fresh look never joins a run that began reading before it asked (that run may have
//! read a server before the change the caller wants to see): it joins the next run, which
//! starts when the one under way ends and is shared by everyone who asks meanwhile. "Check
//! drift now" is also limited per user, so that page loads and clicks cannot hammer the
//! servers.

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One run: its shared answer, and whether it has begun reading.
struct Run<T: Clone> {
    answer: Shared<BoxFuture<'static, T>>,
    begun: Arc<AtomicBool>,
}

impl<T: Clone> Run<T> {
    fn under_way(&self) -> bool {
        self.answer.peek().is_none()
    }

    /// Whether a caller asking now would see everything done before it asked, by joining.
    fn fresh(&self) -> bool {
        self.under_way() && !self.begun.load(Ordering::SeqCst)
    }
}

/// One shared run of an expensive read at a time.
pub(crate) struct Flight<T: Clone> {
    current: Mutex<Option<Run<T>>>,
    runs: AtomicU64,
}

impl<T: Clone + Send + Sync + 'static> Flight<T> {
    pub(crate) fn new() -> Self {
        Self {
            current: Mutex::new(None),
            runs: AtomicU64::new(0),
        }
    }

    /// Whether a `fresh` [`Self::join`] would start a run (rather than join one that has not
    /// begun).
    pub(crate) fn fresh_would_start(&self) -> bool {
        !self
            .current
            .lock()
            .expect("flight")
            .as_ref()
            .is_some_and(Run::fresh)
    }

    /// Joins a run, or starts one with `start`; the answer is the returned future's. The run
    /// goes on on a task of its own, so a caller going away does not stall the others.
    /// - not `fresh` (the watch, which only wants a recent answer): the run under way, whenever
    ///   it began;
    /// - `fresh` ("Check drift now"): only a run that has not begun reading; else one that
    ///   starts as soon as the run under way ends (the two never read at the same time).
    pub(crate) fn join<F>(
        &self,
        fresh: bool,
        start: impl FnOnce() -> F,
    ) -> Shared<BoxFuture<'static, T>>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let mut current = self.current.lock().expect("flight");
        match current.as_ref() {
            Some(run) if run.fresh() || (!fresh && run.under_way()) => run.answer.clone(),
            Some(run) if run.under_way() => {
                let after = run.answer.clone();
                self.start(&mut current, Some(after), start())
            }
            _ => self.start(&mut current, None, start()),
        }
    }

    fn start<F>(
        &self,
        current: &mut Option<Run<T>>,
        after: Option<Shared<BoxFuture<'static, T>>>,
        read: F,
    ) -> Shared<BoxFuture<'static, T>>
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.runs.fetch_add(1, Ordering::Relaxed);
        let begun = Arc::new(AtomicBool::new(false));
        let begins = begun.clone();
        let task = tokio::spawn(async move {
            if let Some(after) = after {
                after.await;
            }
            begins.store(true, Ordering::SeqCst);
            read.await
        });
        let answer = async move { task.await.expect("a flight's task does not panic") }
            .boxed()
            .shared();
        *current = Some(Run {
            answer: answer.clone(),
            begun,
        });
        answer
    }

    /// How many runs were started (callers that joined one are not counted).
    pub(crate) fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }
}

/// How often each user may start a new "Check drift now" (joining one that has not begun
/// reading is free).
pub const DRIFT_CHECK_EVERY: Duration = Duration::from_secs(10);

/// Counts of expensive runs actually started, for the logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlightCounts {
    pub drift_checks: u64,
    pub failover_reads: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use tokio::sync::oneshot;

    /// A read that sees the "server" as it is when the read begins, says so on `has_read`,
    /// and waits for `go`.
    fn read(
        server: &Arc<AtomicUsize>,
        has_read: Option<oneshot::Sender<()>>,
        go: oneshot::Receiver<()>,
    ) -> impl Future<Output = usize> + Send + 'static {
        let server = server.clone();
        async move {
            let seen = server.load(Ordering::SeqCst);
            if let Some(has_read) = has_read {
                has_read.send(()).ok();
            }
            go.await.ok();
            seen
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_fresh_look_never_joins_a_read_that_began_before_it_asked() {
        let flight = Flight::<usize>::new();
        let server = Arc::new(AtomicUsize::new(1));
        // The watch's read begins and sees the server as it was.
        let (go_watch, watch_waits) = oneshot::channel();
        let (watch_read, watch_has_read) = oneshot::channel();
        let watch = flight.join(false, || read(&server, Some(watch_read), watch_waits));
        watch_has_read.await.unwrap();
        // A change, then a fresh look while the watch's read is under way: it waits for a
        // read of its own, which every fresh look meanwhile shares.
        server.store(2, Ordering::SeqCst);
        assert!(flight.fresh_would_start());
        let (go_fresh, fresh_waits) = oneshot::channel();
        let fresh = flight.join(true, || read(&server, None, fresh_waits));
        assert!(!flight.fresh_would_start());
        let (_unused, never) = oneshot::channel();
        let joined = flight.join(true, || read(&server, None, never));
        // The watch joining now joins the latest run too.
        let (_unused2, never2) = oneshot::channel();
        let watch_again = flight.join(false, || read(&server, None, never2));
        go_watch.send(()).unwrap();
        assert_eq!(watch.await, 1);
        go_fresh.send(()).unwrap();
        assert_eq!(fresh.await, 2);
        assert_eq!(joined.await, 2);
        assert_eq!(watch_again.await, 2);
        assert_eq!(flight.runs(), 2);
        // Nothing under way: a fresh look starts at once.
        assert!(flight.fresh_would_start());
    }
}
