//! The browser's side of calling a server function (the request, and reading the answer) as a
//! piece of code of its own: a page carries only its actions' state (pending, value, version)
//! and the data the server embedded in it, and the code that sends and reads arrives with the
//! first call (a press, or a list read again). The server runs the function's body directly.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::future::Future;

/// A server function's action whose call is a piece of its own (see [`lazy_calls!`]).
pub type Call<S> = Action<S, Result<<S as ServerFn>::Output, AppError>>;

/// The action of server function `S`, dispatched through `call` (a function that
/// [`lazy_calls!`] declares).
#[cfg(feature = "hydrate")]
pub fn action<S, F, Fut>(call: F) -> Call<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    F: Fn(S) -> Fut + 'static,
    Fut: Future<Output = Result<S::Output, AppError>> + 'static,
{
    // The piece's loader is not `Send`; nothing in the browser is shared between threads.
    Action::new_local(move |input: &S| call(input.clone()))
}

/// See above: on the server, where actions are rendered but never run.
#[cfg(not(feature = "hydrate"))]
pub fn action<S, F, Fut>(call: F) -> Call<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<S::Output, AppError>> + Send + 'static,
{
    Action::new(move |input: &S| call(input.clone()))
}

/// A call (see [`lazy_calls!`]) as a resource's fetcher: resources are read on the server too,
/// where their futures must be `Send`.
#[cfg(feature = "hydrate")]
pub fn fetch<T>(call: impl Future<Output = T> + 'static) -> impl Future<Output = T> + Send {
    // As for `action`: the piece's loader is not `Send`, and the browser has one thread.
    send_wrapper::SendWrapper::new(call)
}

/// See above: on the server the call is the function's body, run here.
#[cfg(not(feature = "hydrate"))]
pub fn fetch<T>(call: impl Future<Output = T> + Send + 'static) -> impl Future<Output = T> + Send {
    call
}

/// Declares, for each `name: ServerFnType`, an `async fn name(input)` that calls the server
/// function: from the browser as a `#[lazy]` piece of its own; on the server, its body, as a
/// plain function (a `#[lazy]` one run while rendering a page would have the page's head
/// preload its piece, and hydration wait for it: code the first visit does not need).
#[macro_export]
macro_rules! lazy_calls {
    ($($call:ident: $S:ty;)*) => {
        $(
            #[cfg_attr(not(feature = "ssr"), leptos::lazy)]
            pub async fn $call(
                input: $S,
            ) -> Result<<$S as leptos::server_fn::ServerFn>::Output, $crate::error::AppError> {
                #[cfg(feature = "ssr")]
                return <$S as leptos::server_fn::ServerFn>::run_body(input).await;
                #[cfg(not(feature = "ssr"))]
                return <$S as leptos::server_fn::ServerFn>::run_on_client(input).await;
            }
        )*
    };
}
