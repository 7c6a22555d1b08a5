//! Sign-in, sessions and sign-out. Passwords are hashed with Argon2id; a session is a random
//! token whose SHA-256 alone is stored; failed sign-ins are throttled per account and per
//! address; no answer tells whether a user name exists.

use super::{Caller, ServiceError, Tandem};
use crate::store::{self, events::NewEvent, sessions, users};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use sha2::{Digest, Sha256};
use std::time::Duration;
use tandem_core::access::{Principal, Role};

/// How sessions and sign-in throttling behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSettings {
    /// A session unused this long is over.
    pub idle: Duration,
    /// Failed sign-ins counted over this window…
    pub throttle_window: Duration,
    /// …refuse further tries for that user name past this many…
    pub max_failures_per_user: i64,
    /// …and from that address past this many.
    pub max_failures_per_address: i64,
    /// The Event Catalog keeps events this long.
    pub retention: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            throttle_window: Duration::from_secs(15 * 60),
            max_failures_per_user: 5,
            max_failures_per_address: 20,
            retention: Duration::from_secs(365 * 24 * 60 * 60),
        }
    }
}

/// What [`Tandem::prune`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub failures: u64,
    pub sessions: u64,
    pub events: u64,
}

/// A new session: the cookie token (shown to the browser once, never stored) and who it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub principal: Principal,
}

const WRONG: &str = "the user name or password is wrong, or the account is disabled";

/// Argon2id of `password`, computed on a blocking thread (tens of milliseconds of CPU that
/// would otherwise hold up every request sharing the async workers).
pub(crate) async fn hash_password(password: &str) -> Result<String, ServiceError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| ServiceError::conflict(format!("could not hash the password: {e}")))?
}

fn hash_now(password: &str) -> Result<String, ServiceError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::conflict(format!("could not hash the password: {e}")))
}

/// Whether `password` matches `hash` (`None`: an unknown user, checked against a decoy so that
/// the answer takes as long), on a blocking thread.
async fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let (password, hash) = (password.to_string(), hash.map(str::to_string));
    tokio::task::spawn_blocking(move || {
        let hash = hash.as_deref().unwrap_or_else(|| decoy_hash());
        PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the user name is unknown, so that the answer takes as long
/// as for a real account.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password that matches nothing").unwrap_or_default())
}

pub(crate) fn check_password_rules(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < 10 {
        return Err(ServiceError::Validation(
            tandem_core::FieldError::new("password", "a password has at least 10 characters")
                .into(),
        ));
    }
    Ok(())
}

/// 32 random bytes, hex: the session cookie's value, the built-in servers' API secret.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    hex(&bytes)
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 a token is known by (sessions, API tokens); the token itself is never stored.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A readable random password for the first administrator.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub(crate) fn ago(d: Duration) -> String {
    let then = chrono::Utc::now() - chrono::Duration::from_std(d).unwrap_or_default();
    then.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Tandem {
    /// Creates the first administrator when there are no users yet. Returns the password when
    /// it was generated here (to be shown once).
    pub async fn ensure_admin(
        &self,
        password: Option<&str>,
    ) -> Result<Option<String>, ServiceError> {
        let generated = password.is_none().then(generate_password);
        let password = password.or(generated.as_deref()).unwrap_or_default();
        check_password_rules(password)?;
        let hash = hash_password(password).await?;
        let mut tx = self.store.begin_write().await?;
        if users::count(&mut tx).await? > 0 {
            return Ok(None);
        }
        users::insert(
            &mut tx,
            "admin",
            "Administrator",
            &hash,
            Role::Administrator,
            &None,
        )
        .await?;
        let caller = Caller::local("first-run");
        store::events::record(
            &mut tx,
            &self.event(&caller, "create_user", "user", "user admin", None),
            "ok",
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(generated)
    }

    /// Signs a user in from `address`; a new session each time (the old one, if the browser
    /// sent it, is ended by the caller).
    #[tracing::instrument(skip_all, err)]
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, ServiceError> {
        // A user name is at most 64 characters: a longer one is wrong, and recorded cut short
        // (a flood of huge names cannot fill the database).
        let username: String = username.trim().chars().take(65).collect();
        let username = username.as_str();
        let settings = self.sessions;
        let since = ago(settings.throttle_window);
        let mut conn = self.store.pool().acquire().await?;
        let failures = sessions::failures_since(&mut conn, username, address, &since).await?;
        drop(conn);
        let event = || NewEvent {
            actor: username.to_string(),
            action: "sign_in".into(),
            object_type: "session".into(),
            object: format!("sign-in from {address}"),
            ..Default::default()
        };
        // Guesses lock a user name out only where they came from (and wherever guessing went
        // on): the account's owner, at an address with no failures, still signs in.
        let by_address = failures.by_address >= settings.max_failures_per_address;
        let by_user = failures.by_user_here >= settings.max_failures_per_user
            || (failures.by_user >= settings.max_failures_per_user && failures.by_address > 0);
        if by_address || by_user {
            let mut tx = self.store.begin_write().await?;
            let e = event();
            if !store::events::count_refusal(&mut tx, &e.actor, &e.object, by_address, &since)
                .await?
            {
                store::events::record(&mut tx, &e, "refused: too many failed attempts", None)
                    .await?;
            }
            tx.commit().await?;
            return Err(ServiceError::Unauthenticated(format!(
                "too many failed sign-ins; try again in {} minutes",
                settings.throttle_window.as_secs().div_ceil(60)
            )));
        }
        let mut conn = self.store.pool().acquire().await?;
        let found = users::find_for_sign_in(&mut conn, username).await?;
        // No connection is held while the hash is checked, nor while another is waited for:
        // a burst of sign-ins must not take the whole pool and wait on it.
        drop(conn);
        let ok = match &found {
            Some((user, hash)) => verify_password(password, Some(hash)).await && !user.disabled,
            None => {
                verify_password(password, None).await;
                false
            }
        };
        let Some((user, _)) = found.filter(|_| ok) else {
            let mut tx = self.store.begin_write().await?;
            sessions::record_failure(&mut tx, username, address).await?;
            store::events::record(&mut tx, &event(), "failed", None).await?;
            tx.commit().await?;
            return Err(ServiceError::Unauthenticated(WRONG.into()));
        };
        let token = new_token();
        let mut tx = self.store.begin_write().await?;
        sessions::insert(&mut tx, &token_hash(&token), user.id).await?;
        sessions::clear_failures(&mut tx, username).await?;
        store::events::record(&mut tx, &event(), "ok", None).await?;
        tx.commit().await?;
        Ok(SignedIn {
            token,
            principal: user.principal(),
        })
    }

    /// Who holds this session token, if it is live: known, not idle too long, and its user not
    /// disabled. Each use keeps it alive.
    pub async fn session(&self, token: &str) -> Result<Option<Principal>, ServiceError> {
        self.live_session(token, true).await
    }

    /// Who holds this session token, if it is live, without keeping it alive: for a page's
    /// live stream, which must end with the session rather than extend it.
    pub async fn session_unchanged(&self, token: &str) -> Result<Option<Principal>, ServiceError> {
        self.live_session(token, false).await
    }

    async fn live_session(
        &self,
        token: &str,
        keep_alive: bool,
    ) -> Result<Option<Principal>, ServiceError> {
        let hash = token_hash(token);
        let mut conn = self.store.pool().acquire().await?;
        let Some((user_id, last_seen)) = sessions::find(&mut conn, &hash).await? else {
            return Ok(None);
        };
        if last_seen < ago(self.sessions.idle) {
            sessions::delete(&mut conn, &hash).await?;
            return Ok(None);
        }
        let Some(user) = users::find(&mut conn, user_id).await? else {
            return Ok(None);
        };
        if user.disabled {
            sessions::delete(&mut conn, &hash).await?;
            return Ok(None);
        }
        // Keep it alive, without a write on every request.
        if keep_alive && last_seen < ago(Duration::from_secs(30).min(self.sessions.idle / 4)) {
            sessions::touch(&mut conn, &hash).await?;
        }
        Ok(Some(user.principal()))
    }

    /// Forgets what is past keeping: failed sign-ins older than the throttling window, ended
    /// sessions, and events older than the retention setting. Run at start-up and hourly.
    pub async fn prune(&self) -> Result<Pruned, ServiceError> {
        let settings = self.sessions;
        let mut tx = self.store.begin_write().await?;
        let (failures, sessions) =
            sessions::prune(&mut tx, &ago(settings.throttle_window), &ago(settings.idle)).await?;
        let events = store::events::prune(&mut tx, &ago(settings.retention)).await?;
        store::limits::prune(&mut tx).await?;
        tx.commit().await?;
        Ok(Pruned {
            failures,
            sessions,
            events,
        })
    }

    pub async fn sign_out(&self, caller: &Caller, token: &str) -> Result<(), ServiceError> {
        let mut tx = self.store.begin_write().await?;
        sessions::delete(&mut tx, &token_hash(token)).await?;
        store::events::record(
            &mut tx,
            &self.event(caller, "sign_out", "session", "session", None),
            "ok",
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The session a request carries, put in the request's extensions by the web layer for
/// server functions and handlers to read.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub principal: Principal,
    pub token: String,
}
