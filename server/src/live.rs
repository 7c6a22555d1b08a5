//! Live refresh and the Event Catalog's CSV export: plain axum handlers beside the server
//! functions.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use std::convert::Infallible;
use std::time::Duration;
use tandem_backend::service::CurrentSession;
use tandem_backend::store::events::EventFilter;
use tandem_backend::{Caller, Tandem};
use tandem_core::ServerName;
use tandem_core::views::ChangeNotice;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

/// How often an open live stream checks that its session is still live.
const SESSION_CHECK: Duration = Duration::from_secs(2);

/// `GET /api/live`: server-sent events, one per change made through this instance, so open
/// pages refresh what they show without a reload. A user narrowed to some servers hears only
/// about those; the stream ends within [`SESSION_CHECK`] of its session ending (sign-out,
/// disabled, idle) or its user's role or access scope changing (the page reconnects as who
/// it is now, or is refused).
pub async fn live(
    State(tandem): State<Tandem>,
    Extension(session): Extension<CurrentSession>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let me = session.principal.username.clone();
    let allowed = session.principal.servers.clone();
    let changes = BroadcastStream::new(tandem.subscribe()).filter_map(move |notice| {
        let event = match notice {
            Ok(n) if !within(&n, allowed.as_deref()) => return None,
            // A change still under way: only its author's pages hear how it goes.
            Ok(n) if n.kind == "progress" => {
                if n.actor.as_deref() != Some(me.as_str()) {
                    return None;
                }
                Event::default()
                    .event("progress")
                    .data(n.message.unwrap_or_default())
            }
            Ok(n) => Event::default()
                .event("change")
                .data(serde_json::to_string(&n).unwrap_or_default()),
            // Missed some: tell the page to refresh everything.
            Err(_) => Event::default()
                .event("change")
                .data("{\"kind\":\"all\",\"server\":null,\"scope\":null}"),
        };
        Some(Ok(event))
    });
    let ended = async move {
        loop {
            tokio::time::sleep(SESSION_CHECK).await;
            match tandem.session_unchanged(&session.token).await {
                Ok(Some(now)) if now == session.principal => {}
                Ok(_) => break,
                // The database did not answer: keep the stream, check again.
                Err(e) => tracing::warn!(error = %e, "live stream: session check failed"),
            }
        }
    };
    let changes = futures::StreamExt::take_until(changes, Box::pin(ended));
    Sse::new(changes).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Whether a change notice concerns a server the user may see (every notice, for a user not
/// narrowed to some servers; a notice naming no server is a hint to refresh, and carries
/// nothing).
fn within(notice: &ChangeNotice, allowed: Option<&[ServerName]>) -> bool {
    match (allowed, &notice.server) {
        (None, _) | (_, None) => true,
        (Some(list), Some(server)) => list.iter().any(|s| s.as_str() == server),
    }
}

/// `GET /events.csv?actor=&action=&object=&from=&to=`: the filtered Event Catalog as CSV.
pub async fn events_csv(
    State(tandem): State<Tandem>,
    Extension(session): Extension<CurrentSession>,
    Query(filter): Query<EventFilter>,
) -> Response {
    let caller = Caller::new(session.principal);
    match tandem.export_events(&caller, &filter).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"tandem-events.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "event export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

/// The sign-in form as a browser posts it natively (before the page's code has loaded, or with
/// JavaScript off): URL-encoded, in the body, never in the URL.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: signs in as the server function does (a new session cookie, the old one
/// ended), then goes on to `next` (a path on this site) or back to the form with why it failed
/// (a word, not the input: nothing typed travels in a URL).
pub async fn sign_in_form(
    State(tandem): State<Tandem>,
    Extension(cookies): Extension<app::api::ssr::CookiePolicy>,
    extensions: axum::http::Extensions,
    axum::Form(form): axum::Form<SignInForm>,
) -> Response {
    let next = tandem_core::text::local_path(&form.next).unwrap_or("/");
    let address = extensions
        .get::<app::api::ssr::ClientAddress>()
        .map_or_else(|| "unknown".into(), |c| c.0.clone());
    let session = extensions.get::<CurrentSession>().cloned();
    let back = |why: &str| {
        axum::response::Redirect::to(&format!(
            "/sign-in?failed={why}&next={}",
            tandem_core::text::percent_encode(next, "/")
        ))
        .into_response()
    };
    match tandem
        .sign_in(&form.username, &form.password, &address)
        .await
    {
        Ok(signed_in) => {
            if let Some(old) = session {
                let caller = Caller::new(old.principal);
                let _ = tandem.sign_out(&caller, &old.token).await;
            }
            let cookie = app::api::ssr::session_cookie(Some(&signed_in.token), cookies.secure);
            (
                [(header::SET_COOKIE, cookie)],
                axum::response::Redirect::to(next),
            )
                .into_response()
        }
        Err(tandem_backend::ServiceError::Unauthenticated(why)) if why.starts_with("too many") => {
            back("throttled")
        }
        Err(tandem_backend::ServiceError::Unauthenticated(_)) => back("wrong"),
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            back("error")
        }
    }
}

/// `POST /sign-out`: the Sign out button posted natively (before the page's code has loaded,
/// or with JavaScript off): the session ends, its cookie is cleared, back to the sign-in page.
pub async fn sign_out_form(
    State(tandem): State<Tandem>,
    Extension(cookies): Extension<app::api::ssr::CookiePolicy>,
    Extension(session): Extension<CurrentSession>,
) -> Response {
    let caller = Caller::new(session.principal.clone());
    if let Err(e) = tandem.sign_out(&caller, &session.token).await {
        tracing::error!(error = %e, "sign-out failed");
        return (StatusCode::INTERNAL_SERVER_ERROR, "sign-out failed").into_response();
    }
    let cookie = app::api::ssr::session_cookie(None, cookies.secure);
    (
        [(header::SET_COOKIE, cookie)],
        axum::response::Redirect::to("/sign-in"),
    )
        .into_response()
}
