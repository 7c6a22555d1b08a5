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
pub fn action<S, F, Fut>(call: F) -> Call<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<S::Output, AppError>> + Send + 'static,
{
    Action::new(move |input: &S| call(input.clone()))
}

/// Declares, for each `name: ServerFnType`, a `fn name(input)` whose future calls the server
/// function: from the browser as a `#[lazy]` piece of its own; on the server, its body, as a
/// plain function (a `#[lazy]` one run while rendering a page would have the page's head
/// preload its piece, and hydration wait for it: code the first visit does not need). The
/// future is `Send` either way, as actions and resources want: in the browser the piece's
/// loader is not, and is wrapped (the browser has one thread).
#[macro_export]
macro_rules! lazy_calls {
    ($($call:ident: $S:ty;)*) => {
        $(
            // The module holds the piece, named like the function that calls it.
            #[allow(non_snake_case)]
            mod $call {
                use super::*;

                #[cfg_attr(not(feature = "ssr"), leptos::lazy)]
                pub(super) async fn $call(
                    input: $S,
                ) -> Result<<$S as leptos::server_fn::ServerFn>::Output, $crate::error::AppError> {
                    #[cfg(feature = "ssr")]
                    return <$S as leptos::server_fn::ServerFn>::run_body(input).await;
                    #[cfg(not(feature = "ssr"))]
                    return <$S as leptos::server_fn::ServerFn>::run_on_client(input).await;
                }
            }

            pub fn $call(
                input: $S,
            ) -> impl std::future::Future<
                Output = Result<<$S as leptos::server_fn::ServerFn>::Output, $crate::error::AppError>,
            > + Send + 'static {
                #[cfg(feature = "hydrate")]
                return send_wrapper::SendWrapper::new($call::$call(input));
                #[cfg(not(feature = "hydrate"))]
                return $call::$call(input);
            }
        )*
    };
}
