//! Several Tandem instances on one PostgreSQL database, coordinated by PostgreSQL itself:
//! change notices cross instances by `LISTEN`/`NOTIFY`; the drift watch runs on the one
//! instance holding its advisory lock (on a connection of its own, so the lock goes with the
//! process and another instance takes the watch over at its next try); writes to one DHCP
//! server are ordered by a per-server advisory lock (see [`crate::driver::serialized`]). On
//! SQLite there is one instance and none of this is needed.

use super::Tandem;
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use tandem_core::views::ChangeNotice;

/// The `NOTIFY` channel change notices travel on.
const CHANNEL: &str = "tandem_changes";

/// The advisory lock whose holder runs the drift watch ("tandem" + 1).
const WATCH_LOCK: i64 = 0x7461_6e64_656e;

/// A change notice as it crosses instances: who sent it, so that the sender skips its own.
#[derive(Serialize, Deserialize)]
struct Relayed {
    from: String,
    notice: ChangeNotice,
}

/// The drift watch's lock, held on a connection of its own while this instance runs the watch.
#[derive(Default)]
pub(crate) struct WatchLease {
    held: Option<sqlx::PgConnection>,
}

impl WatchLease {
    /// Whether this instance runs the watch now: always on SQLite; on PostgreSQL when it holds
    /// (or has just taken) the watch's lock. A lost connection loses the lock with it.
    pub(crate) async fn hold(&mut self, tandem: &Tandem) -> bool {
        let Some(url) = tandem.store.postgres_url() else {
            return true;
        };
        if let Some(conn) = self.held.as_mut() {
            if sqlx::query("SELECT 1").execute(&mut *conn).await.is_ok() {
                return true;
            }
            tracing::warn!("the drift watch's lock connection was lost; trying to take it again");
            self.held = None;
        }
        let mut conn = match sqlx::PgConnection::connect(url).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot reach PostgreSQL for the drift watch's lock");
                return false;
            }
        };
        let taken: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(WATCH_LOCK)
            .fetch_one(&mut conn)
            .await;
        match taken {
            Ok(true) => {
                tracing::info!(instance = %tandem.instance, "this instance runs the drift watch");
                self.held = Some(conn);
                true
            }
            Ok(false) => false,
            Err(e) => {
                tracing::warn!(error = %e, "the drift watch's lock could not be asked for");
                false
            }
        }
    }
}

impl Tandem {
    /// Tells this instance's open pages of a change, and on PostgreSQL every other instance's.
    pub(crate) fn send_notice(&self, notice: ChangeNotice) {
        // A change was committed: lists kept before it are read again.
        self.cache.changed();
        if self.store.postgres_url().is_some() {
            let relayed = Relayed {
                from: self.instance.to_string(),
                notice: notice.clone(),
            };
            let payload = serde_json::to_string(&relayed).expect("a notice serializes");
            let pool = self.store.pool().clone();
            tokio::spawn(async move {
                let sent = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(&pool)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "a change notice did not reach the other instances");
                }
            });
        }
        // Nobody listening is fine.
        let _ = self.changes.send(notice);
    }

    /// On PostgreSQL, for as long as the process runs: hands the other instances' change
    /// notices to this instance's open pages. After a lost connection it listens again, and
    /// open pages look again (what was sent meanwhile is not replayed). On SQLite it returns.
    pub async fn relay_notices(&self) {
        let Some(url) = self.store.postgres_url().map(str::to_string) else {
            return;
        };
        loop {
            match self.listen(&url).await {
                Ok(()) => {}
                Err(e) => tracing::warn!(error = %e, "listening for other instances' changes"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    /// Other instances' notices may have been missed: what was kept is read again, and open
    /// pages look again.
    fn missed_notices(&self) {
        self.cache.changed();
        let _ = self.changes.send(ChangeNotice {
            kind: "drift".into(),
            server: None,
            scope: None,
            message: None,
            actor: None,
        });
    }

    async fn listen(&self, url: &str) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        // What was sent before this listened is not replayed: open pages look again.
        self.missed_notices();
        loop {
            let Some(notification) = listener.try_recv().await? else {
                // The connection was lost; the next try_recv reconnects and listens again.
                tracing::warn!("lost the connection that listens for other instances' changes");
                self.missed_notices();
                continue;
            };
            match serde_json::from_str::<Relayed>(notification.payload()) {
                Ok(r) if r.from != *self.instance => {
                    self.cache.changed();
                    let _ = self.changes.send(r.notice);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "an unreadable change notice"),
            }
        }
    }
}
