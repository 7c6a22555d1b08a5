//! Listening for HTTP: every accepted connection answers without waiting. Nagle's algorithm
//! holds back a response's last small segment until the client acknowledges the one before;
//! a client on a kept-alive connection delays that acknowledgement (by up to 40 ms on Linux),
//! so every larger answer stalled. `TCP_NODELAY` on each accepted socket sends at once.

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

/// `listener`, with `TCP_NODELAY` set on every connection it accepts (its type kept, so that
/// the peer's address still reaches the handlers).
pub fn without_delay(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    listener.tap_io(no_delay as fn(&mut TcpStream))
}

fn no_delay(stream: &mut TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
    }
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn an_accepted_connection_has_no_delay() {
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = plain.local_addr().unwrap();
        let mut listener = super::without_delay(plain);
        let client = tokio::spawn(async move { tokio::net::TcpStream::connect(at).await.unwrap() });
        let (stream, _) = listener.accept().await;
        assert!(stream.nodelay().unwrap(), "TCP_NODELAY set");
        client.await.unwrap();
        // Without the wrapper, Linux's default: Nagle on.
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = plain.local_addr().unwrap();
        let client = tokio::spawn(async move { tokio::net::TcpStream::connect(at).await.unwrap() });
        let (stream, _) = plain.accept().await.unwrap();
        assert!(!stream.nodelay().unwrap());
        client.await.unwrap();
    }
}
