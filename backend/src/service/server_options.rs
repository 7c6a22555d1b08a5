//! A server's own options on Server Properties (Windows: server options): read, and edited on
//! the server and then its HA partner.

use super::{Caller, ServiceError, Tandem};
use tandem_core::access::Permission;
use tandem_core::scope_input::{OptionInput, parse_options};
use tandem_core::views::ChangeOutcome;
use tandem_core::{FieldErrors, ServerName, ServerOptions};

impl Tandem {
    /// Server `server`'s own options; `None` where it has none to show (the built-in server).
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn server_options(
        &self,
        caller: &Caller,
        server: &ServerName,
    ) -> Result<Option<ServerOptions>, ServiceError> {
        self.authorize(caller, Permission::View, Some(server), "view", "")
            .await?;
        Ok(self.driver(server).await?.server_options().await?)
    }

    /// Makes `server`'s own options `input` (as the option editor types them; what Tandem
    /// does not edit of them is kept), then its HA partner's the same. Refused, field by
    /// field, with nothing written, when an option breaks a rule.
    #[tracing::instrument(skip_all, err, fields(server = %server))]
    pub async fn put_server_options(
        &self,
        caller: &Caller,
        server: &ServerName,
        input: &[OptionInput],
    ) -> Result<ChangeOutcome, ServiceError> {
        let what = format!("server options of {server}");
        self.authorize(
            caller,
            Permission::ManageServers,
            Some(server),
            "edit_server_options",
            &what,
        )
        .await?;
        let mut errors = FieldErrors::default();
        let options = parse_options(input, &mut errors);
        errors.into_result().map_err(ServiceError::Validation)?;
        let driver = self.driver(server).await?;
        let mut event = self.event(caller, "edit_server_options", "server", &what, Some(server));
        event.before_json = driver
            .server_options()
            .await
            .ok()
            .flatten()
            .and_then(|o| serde_json::to_string(&o.options).ok());
        event.after_json = serde_json::to_string(&options).ok();
        let id = self.begin(&event).await?;
        self.conclude(id, driver.put_server_options(&options).await, None)
            .await?;
        let replication = self
            .on_server_partner(&driver, |partner| async move {
                partner.put_server_options(&options).await
            })
            .await;
        self.touched("server", &[server], None).await;
        Ok(ChangeOutcome {
            server: server.clone(),
            replication,
        })
    }
}
