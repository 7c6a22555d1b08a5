//! Kea's control channel: one command, one answer. Over HTTP(S) (a control agent, or Kea 3's
//! own HTTP control socket) with HTTP basic authentication where configured, redirects refused
//! and answers bounded in size; or over the server's unix socket. A refusal names the server
//! and the command, in Kea's own words.

use super::{KeaDriver, offer};
use crate::driver::DriverError;
use serde_json::{Value, json};
use std::time::Duration;
use tandem_core::FieldError;

/// One answer of Kea's control channel.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(super) result: i64,
    pub(super) text: String,
    pub(super) arguments: Value,
}

/// Kea's result codes.
pub(super) const RESULT_UNSUPPORTED: i64 = 2;
pub(super) const RESULT_EMPTY: i64 = 3;

/// The longest answer read from a Kea server (a configuration with a hundred thousand
/// reservations is some 30 MB).
pub const MAX_ANSWER: usize = 256 * 1024 * 1024;

impl KeaDriver {
    pub(super) fn protocol(&self, detail: impl ToString) -> DriverError {
        DriverError::Protocol {
            server: self.name.clone(),
            detail: detail.to_string(),
        }
    }

    pub(super) fn refused(&self, field: &str, message: impl Into<String>) -> DriverError {
        DriverError::Rejected {
            server: self.name.clone(),
            errors: FieldError::new(field, message).into(),
        }
    }

    pub(super) fn unreachable(&self, detail: String) -> DriverError {
        DriverError::Unreachable {
            server: self.name.clone(),
            detail,
        }
    }

    /// Sends one command to the DHCPv4 server and returns its answer, whatever its result.
    pub(crate) async fn exchange(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Answer, DriverError> {
        let mut body = json!({ "command": command, "service": ["dhcp4"] });
        if let Some(a) = arguments {
            body["arguments"] = a;
        }
        let first = match self.url.strip_prefix("unix:") {
            Some(path) => self.over_socket(path, &body).await?,
            None => self.over_http(&body).await?,
        };
        Ok(Answer {
            result: first.get("result").and_then(Value::as_i64).unwrap_or(1),
            text: first
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            arguments: first.get("arguments").cloned().unwrap_or(Value::Null),
        })
    }

    /// Sends one command and returns its `arguments` (or `null`) when Kea says it succeeded.
    pub async fn command(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, DriverError> {
        let answer = self.exchange(command, arguments).await?;
        self.accepted(command, answer)
    }

    /// A successful answer's arguments, or the error it is.
    pub(super) fn accepted(&self, command: &str, answer: Answer) -> Result<Value, DriverError> {
        let text = answer.text;
        match answer.result {
            0 | RESULT_EMPTY => Ok(answer.arguments),
            RESULT_UNSUPPORTED => {
                // It may have listed the command and lost it since (a hook unloaded).
                offer::forget(&self.url);
                Err(DriverError::NotSupported {
                    server: self.name.clone(),
                    what: format!("the command {command} ({text})"),
                })
            }
            // A control agent that could not reach the DHCPv4 server ("Unable to forward
            // command to the dhcp4 service: … The server is likely to be offline"): it is
            // down. (Not any text that says "connect": a hosts database Kea cannot reach is
            // Kea's answer to the command, given as Kea words it.)
            _ if text.contains("forward") => {
                Err(self.unreachable(format!("its DHCPv4 service does not answer ({text})")))
            }
            _ => Err(self.refused("kea", format!("{command} on {}: {text}", self.name))),
        }
    }

    /// HTTP answers one list with one answer per service asked (an authentication error is
    /// one answer on its own).
    async fn over_http(&self, body: &Value) -> Result<Value, DriverError> {
        let mut request = self.client.post(&self.url).json(body);
        if let Some((user, password)) = &self.basic_auth {
            request = request.basic_auth(user, Some(password));
        }
        let mut answer = request.send().await.map_err(|e| {
            // The cause (a refused connection, a certificate not trusted) is the useful part.
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why = format!("{why}: {s}");
                source = s.source();
            }
            self.unreachable(format!("no answer from its control channel ({why})"))
        })?;
        let status = answer.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(self.unreachable(format!(
                "its control channel refused Tandem's credentials (HTTP {status})"
            )));
        }
        if status.is_redirection() {
            return Err(self.protocol(format!(
                "HTTP {status}: a redirect, which Tandem does not follow"
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = answer
            .chunk()
            .await
            .map_err(|e| self.unreachable(format!("its answer broke off ({e})")))?
        {
            if bytes.len() + chunk.len() > MAX_ANSWER {
                return Err(self.protocol(format!("an answer over {MAX_ANSWER} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        let parsed: Value = serde_json::from_slice(&bytes)
            .map_err(|e| self.protocol(format!("HTTP {status}, not a Kea answer ({e})")))?;
        match parsed {
            Value::Array(list) => list
                .into_iter()
                .next()
                .ok_or_else(|| self.protocol("an empty answer")),
            one @ Value::Object(_) => Ok(one),
            _ => Err(self.protocol("an answer that is neither a list nor an object")),
        }
    }

    /// The server's own socket answers once and closes the connection.
    async fn over_socket(&self, path: &str, body: &Value) -> Result<Value, DriverError> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let exchange = async {
            let mut stream = tokio::net::UnixStream::connect(path).await?;
            stream.write_all(body.to_string().as_bytes()).await?;
            let mut answer = Vec::new();
            (&mut stream)
                .take(MAX_ANSWER as u64 + 1)
                .read_to_end(&mut answer)
                .await?;
            Ok::<_, std::io::Error>(answer)
        };
        let answer = tokio::time::timeout(Duration::from_secs(30), exchange)
            .await
            .map_err(|_| self.unreachable(format!("no answer on its control socket {path}")))?
            .map_err(|e| self.unreachable(format!("its control socket {path}: {e}")))?;
        if answer.len() > MAX_ANSWER {
            return Err(self.protocol(format!("an answer over {MAX_ANSWER} bytes")));
        }
        serde_json::from_slice(&answer).map_err(|e| self.protocol(e))
    }
}
