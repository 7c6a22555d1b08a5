//! Forms posted natively — before the page's code has loaded, or with JavaScript off — go to
//! plain handlers on the server (`POST /forms/…`), which make the change and send the browser
//! back to the page. What the page then shows (the notice, or the dialog again with what was
//! typed and the errors beside their fields) travels in a *flash*: kept on the server for a
//! few minutes, for that user only, and named in the URL by a random ID. Nothing typed ever
//! travels in a URL, and no password is ever kept.

use crate::components::notice::Notice;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a natively posted form left for the page it returns to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form (`reservation`…).
    pub form: String,
    /// What the change did, when it was made.
    pub notice: Option<Notice>,
    /// Why it was refused, when it was.
    pub error: Option<AppError>,
    /// The fields as typed (never a password), to fill the form again.
    pub values: Vec<(String, String)>,
    /// A value to be shown once (a new API token): given with the flash's first reading only.
    #[serde(default)]
    pub secret: Option<String>,
}

impl Flash {
    /// A field's value as typed, if the form sent it.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, v)| v.clone())
    }
}

/// The flash a natively posted form left for this page, if the URL names one of the caller's.
#[server(endpoint = "form_flash", input = server_fn::codec::Json)]
pub async fn form_flash(id: String) -> Result<Option<Flash>, AppError> {
    let caller = super::ssr::caller()?;
    let flashes = use_context::<ssr::Flashes>().ok_or_else(|| AppError::Internal {
        request_id: "no-flashes".into(),
    })?;
    Ok(flashes.get(caller.principal.user_id, &id))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::Flash;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// How long a flash is kept.
    const KEPT: Duration = Duration::from_secs(10 * 60);
    /// At most this many are kept at once (the oldest go first).
    const MOST: usize = 10_000;

    /// A flash as kept: when, for which user.
    type Kept = (Instant, i64, Flash);

    /// The flashes of this instance, each for one user.
    #[derive(Debug, Clone, Default)]
    pub struct Flashes(Arc<Mutex<HashMap<String, Kept>>>);

    impl Flashes {
        /// Keeps `flash` for `user`; returns its ID (a random UUID, 122 random bits).
        pub fn put(&self, user: i64, flash: Flash) -> String {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let now = Instant::now();
            let mut all = self.0.lock().expect("flashes");
            all.retain(|_, (at, ..)| now.duration_since(*at) < KEPT);
            if all.len() >= MOST
                && let Some(oldest) = all
                    .iter()
                    .min_by_key(|(_, (at, ..))| *at)
                    .map(|(k, _)| k.clone())
            {
                all.remove(&oldest);
            }
            all.insert(id.clone(), (now, user, flash));
            id
        }

        /// The flash `id`, if it is `user`'s and still kept; a secret in it goes with this
        /// reading and is not kept.
        pub fn get(&self, user: i64, id: &str) -> Option<Flash> {
            let mut all = self.0.lock().expect("flashes");
            let (at, owner, flash) = all.get_mut(id)?;
            if *owner != user || at.elapsed() >= KEPT {
                return None;
            }
            let read = flash.clone();
            flash.secret = None;
            Some(read)
        }
    }
}

crate::lazy_calls! {
    call_form_flash: FormFlash;
}
