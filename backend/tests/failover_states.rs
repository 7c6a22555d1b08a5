//! The built-in pair's failover state machine, for real: heartbeats over loopback, an outage,
//! Partner Down set by hand and by auto transition, recovery through one MCLT back to Normal.
//! Timing is shortened so that it runs in seconds.

use std::time::{Duration, Instant};
use tandem_backend::bootstrap::{self, Started};
use tandem_backend::builtin::failover::Timing;
use tandem_core::{FailoverState, ServerName};

const REL: &str = "dhcp1.contoso.com-dc1.contoso.com";

async fn start(mclt_secs: u32, interval: Option<u32>) -> (tempfile::TempDir, Started) {
    let dir = tempfile::tempdir().unwrap();
    let started = bootstrap::start(dir.path(), None).await.unwrap();
    for r in &started.builtin {
        r.server
            .set_timing(Timing {
                heartbeat_ms: 100,
                comm_timeout_ms: 400,
            })
            .await
            .unwrap();
        // Shorten the seed relationship's MCLT (and set auto transition) on both servers.
        update_relationship(&started, r.name.as_str(), None, |r| {
            r.max_client_lead_time_secs = mclt_secs;
            r.state_switch_interval_secs = interval;
            r.auto_state_transition = interval.is_some();
        })
        .await;
    }
    (dir, started)
}

/// Changes the seed relationship on one server, as its driver does (with `secret` as its
/// shared secret).
async fn update_relationship(
    started: &Started,
    server: &str,
    secret: Option<&str>,
    change: impl FnOnce(&mut tandem_core::FailoverRelationship),
) {
    let driver = started
        .tandem
        .driver(&ServerName::parse(server).unwrap())
        .await
        .unwrap();
    let mut report = driver.failover().await.unwrap().remove(0);
    change(&mut report.relationship);
    let config = tandem_backend::driver::RelationshipConfig {
        relationship: report.relationship,
        shared_secret: secret.map(str::to_string),
        partner_endpoint: None,
    };
    driver.update_relationship(&config).await.unwrap();
}

async fn state(started: &Started, server: &str) -> Option<FailoverState> {
    let name = ServerName::parse(server).unwrap();
    let driver = started.tandem.driver(&name).await.unwrap();
    driver.failover().await.ok().map(|mut r| r.remove(0).state)
}

async fn wait_for(started: &Started, server: &str, want: FailoverState, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let now = state(started, server).await;
        if now == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{server}: wanted {want}, still {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn server<'a>(started: &'a Started, name: &str) -> &'a tandem_backend::builtin::host::Running {
    started
        .builtin
        .iter()
        .find(|r| r.name.as_str() == name)
        .unwrap()
}

#[tokio::test]
async fn an_outage_partner_down_and_recovery_back_to_normal() {
    let (_dir, s) = start(1, None).await;
    let second = Duration::from_secs(1);
    wait_for(&s, "dhcp1.contoso.com", FailoverState::Normal, 3 * second).await;
    wait_for(&s, "dc1.contoso.com", FailoverState::Normal, 3 * second).await;

    // dc1 goes offline: dhcp1 stops hearing it.
    server(&s, "dc1.contoso.com")
        .server
        .set_running(false)
        .await
        .unwrap();
    assert_eq!(
        state(&s, "dc1.contoso.com").await,
        None,
        "an offline server answers nothing"
    );
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::CommunicationInterrupted,
        3 * second,
    )
    .await;
    // Without auto transition it stays there.
    tokio::time::sleep(second).await;
    assert_eq!(
        state(&s, "dhcp1.contoso.com").await,
        Some(FailoverState::CommunicationInterrupted)
    );

    let dhcp1 = s
        .tandem
        .driver(&ServerName::parse("dhcp1.contoso.com").unwrap())
        .await
        .unwrap();
    assert_eq!(
        dhcp1.set_partner_down(REL).await.unwrap(),
        FailoverState::PartnerDown
    );
    assert_eq!(
        state(&s, "dhcp1.contoso.com").await,
        Some(FailoverState::PartnerDown)
    );

    // dc1 returns: it recovers for one MCLT while dhcp1 stays in PartnerDown, then both Normal.
    server(&s, "dc1.contoso.com")
        .server
        .set_running(true)
        .await
        .unwrap();
    wait_for(
        &s,
        "dc1.contoso.com",
        FailoverState::RecoverWait,
        3 * second,
    )
    .await;
    assert_eq!(
        state(&s, "dhcp1.contoso.com").await,
        Some(FailoverState::PartnerDown)
    );
    wait_for(&s, "dc1.contoso.com", FailoverState::Normal, 4 * second).await;
    wait_for(&s, "dhcp1.contoso.com", FailoverState::Normal, 2 * second).await;
}

#[tokio::test]
async fn partner_down_is_refused_while_the_partner_answers() {
    let (_dir, s) = start(1, None).await;
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::Normal,
        Duration::from_secs(3),
    )
    .await;
    let dhcp1 = s
        .tandem
        .driver(&ServerName::parse("dhcp1.contoso.com").unwrap())
        .await
        .unwrap();
    let refused = dhcp1.set_partner_down(REL).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("only when communication with the partner is interrupted"),
        "{refused}"
    );
}

#[tokio::test]
async fn auto_transition_sets_partner_down_after_the_interval() {
    let (_dir, s) = start(1, Some(1)).await;
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::Normal,
        Duration::from_secs(3),
    )
    .await;
    server(&s, "dc1.contoso.com")
        .server
        .set_running(false)
        .await
        .unwrap();
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::CommunicationInterrupted,
        Duration::from_secs(3),
    )
    .await;
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::PartnerDown,
        Duration::from_secs(3),
    )
    .await;
}

/// With message authentication on, a heartbeat counts only when signed by the relationship's
/// shared secret (HMAC-SHA256 over the relationship, the sender's state and the time): partners
/// with different secrets do not hear each other, and an unsigned heartbeat is refused.
#[tokio::test]
async fn authenticated_heartbeats_need_the_same_shared_secret() {
    let (dir, s) = start(1, None).await;
    let second = Duration::from_secs(1);
    let set_secret = |server: &'static str, secret: &'static str| {
        update_relationship(&s, server, Some(secret), |r| r.enable_auth = true)
    };
    set_secret("dhcp1.contoso.com", "the same secret").await;
    set_secret("dc1.contoso.com", "the same secret").await;
    wait_for(&s, "dhcp1.contoso.com", FailoverState::Normal, 3 * second).await;
    wait_for(&s, "dc1.contoso.com", FailoverState::Normal, 3 * second).await;

    // The secret is in no read of the relationship.
    for name in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        let driver = s
            .tandem
            .driver(&ServerName::parse(name).unwrap())
            .await
            .unwrap();
        let read = format!("{:?}", driver.failover().await.unwrap());
        assert!(read.contains("enable_auth: true") && !read.contains("the same secret"));
    }
    // An unsigned heartbeat, even with the API's secret: refused.
    let endpoint = server(&s, "dc1.contoso.com").endpoint();
    let secret = std::fs::read_to_string(
        bootstrap::builtin_dir(dir.path()).join(tandem_backend::builtin::API_SECRET_FILE),
    )
    .unwrap();
    let unsigned = reqwest::Client::new()
        .post(format!("{endpoint}/v1/failover/{REL}/heartbeat"))
        .bearer_auth(&secret)
        .json(&FailoverState::Normal)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), reqwest::StatusCode::UNAUTHORIZED);
    let forged = reqwest::Client::new()
        .post(format!("{endpoint}/v1/failover/{REL}/heartbeat"))
        .bearer_auth(&secret)
        .header(
            tandem_backend::builtin::HEARTBEAT_AUTH,
            tandem_backend::builtin::sign_heartbeat(
                "a guessed secret",
                REL,
                FailoverState::Normal,
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis() as u64,
            ),
        )
        .json(&FailoverState::Normal)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::UNAUTHORIZED);

    // dc1's secret changes alone: neither hears the other any more.
    set_secret("dc1.contoso.com", "another secret").await;
    wait_for(
        &s,
        "dhcp1.contoso.com",
        FailoverState::CommunicationInterrupted,
        3 * second,
    )
    .await;
    wait_for(
        &s,
        "dc1.contoso.com",
        FailoverState::CommunicationInterrupted,
        3 * second,
    )
    .await;
    // The same secret again: back to Normal.
    set_secret("dhcp1.contoso.com", "another secret").await;
    wait_for(&s, "dhcp1.contoso.com", FailoverState::Normal, 5 * second).await;
    wait_for(&s, "dc1.contoso.com", FailoverState::Normal, 5 * second).await;
}
