//! Scopes created, edited and deleted through Tandem, against a real built-in pair.

use tandem_backend::bootstrap::{self, Started};
use tandem_backend::{Caller, ServiceError};
use tandem_core::scope_input::{OptionInput, ScopeInput};
use tandem_core::{MacAddress, OptionValue, Reservation, ReservationType, ScopeId, ServerName};

fn name(s: &str) -> ServerName {
    ServerName::parse(s).unwrap()
}

fn admin() -> Caller {
    Caller::local("test-admin")
}

async fn start() -> (tempfile::TempDir, Started) {
    let dir = tempfile::tempdir().unwrap();
    let s = bootstrap::start(dir.path(), None).await.unwrap();
    (dir, s)
}

fn lab() -> ScopeInput {
    ScopeInput {
        scope_id: "10.1.0.0".into(),
        subnet_mask: "/24".into(),
        name: "Lab".into(),
        start: "10.1.0.10".into(),
        end: "10.1.0.200".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_scope_is_created_and_overlaps_are_refused_by_field() {
    let (_d, s) = start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    s.tandem
        .create_scope(&admin(), &dhcp1, &lab())
        .await
        .unwrap();
    let d = s.tandem.driver(&dhcp1).await.unwrap();
    assert_eq!(
        d.scope(ScopeId::parse("10.1.0.0").unwrap())
            .await
            .unwrap()
            .name,
        "Lab"
    );
    let dup = s.tandem.create_scope(&admin(), &dhcp1, &lab()).await;
    assert!(
        matches!(dup, Err(ServiceError::Validation(e)) if e.get("scope_id").unwrap().contains("already has"))
    );
    let overlap = ScopeInput {
        scope_id: "10.0.0.128".into(),
        subnet_mask: "/25".into(),
        start: "10.0.0.130".into(),
        end: "10.0.0.140".into(),
        ..lab()
    };
    let refused = s.tandem.create_scope(&admin(), &dhcp1, &overlap).await;
    assert!(
        matches!(refused, Err(ServiceError::Validation(e)) if e.get("scope_id").unwrap().contains("overlaps scope 10.0.0.0"))
    );
    assert_eq!(d.scopes().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_edit_of_a_failover_scope_reaches_the_partner_which_keeps_its_reservations() {
    let (_d, s) = start().await;
    let (dhcp1, dc1) = (name("dhcp1.contoso.com"), name("dc1.contoso.com"));
    let id = ScopeId::parse("10.0.0.0").unwrap();
    // The partner has a reservation of its own (drift).
    let extra = Reservation {
        ip_address: "10.0.0.150".parse().unwrap(),
        client_id: MacAddress::parse("001122334455").unwrap(),
        name: String::new(),
        description: String::new(),
        kind: ReservationType::Both,
    };
    s.tandem
        .driver(&dc1)
        .await
        .unwrap()
        .add_reservation(id, &extra)
        .await
        .unwrap();
    let d1 = s.tandem.driver(&dhcp1).await.unwrap();
    let before = d1.scope(id).await.unwrap();
    let mut input = ScopeInput::of(&before);
    input.name = "Contoso HQ".into();
    input.exclusions = "10.0.0.1-10.0.0.9".into();
    input.options.push(OptionInput {
        code: "3".into(),
        kind: String::new(),
        value: "10.0.0.1".into(),
    });
    let outcome = s
        .tandem
        .update_scope(&admin(), &dhcp1, id, &before.version(), &input)
        .await
        .unwrap();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    for server in [&dhcp1, &dc1] {
        let scope = s
            .tandem
            .driver(server)
            .await
            .unwrap()
            .scope(id)
            .await
            .unwrap();
        assert_eq!(scope.name, "Contoso HQ", "{server}");
        assert_eq!(scope.exclusions.len(), 1);
        assert_eq!(
            scope.options[&3],
            OptionValue::Addresses(vec!["10.0.0.1".parse().unwrap()])
        );
    }
    let partner = s
        .tandem
        .driver(&dc1)
        .await
        .unwrap()
        .scope(id)
        .await
        .unwrap();
    assert!(
        partner.reservation(extra.ip_address).is_some(),
        "the partner keeps its reservations"
    );

    // A second edit based on the old version is refused and changes nothing.
    input.name = "stale".into();
    let stale = s
        .tandem
        .update_scope(&admin(), &dhcp1, id, &before.version(), &input)
        .await;
    assert!(matches!(stale, Err(ServiceError::Conflict { .. })));
    assert_eq!(d1.scope(id).await.unwrap().name, "Contoso HQ");
}

#[tokio::test]
async fn a_failover_scope_is_not_deleted_and_others_are() {
    let (_d, s) = start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    let refused = s
        .tandem
        .delete_scope(&admin(), &dhcp1, ScopeId::parse("10.0.0.0").unwrap())
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Validation(e)) if e.get("scope_id").unwrap().contains("remove failover first"))
    );
    s.tandem
        .create_scope(&admin(), &dhcp1, &lab())
        .await
        .unwrap();
    s.tandem
        .delete_scope(&admin(), &dhcp1, ScopeId::parse("10.1.0.0").unwrap())
        .await
        .unwrap();
    assert_eq!(
        s.tandem
            .driver(&dhcp1)
            .await
            .unwrap()
            .scopes()
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn concurrent_scope_edits_from_one_version_have_one_winner() {
    let (_d, s) = start().await;
    let dhcp1 = name("dhcp1.contoso.com");
    let id = ScopeId::parse("10.0.0.0").unwrap();
    let before = s
        .tandem
        .driver(&dhcp1)
        .await
        .unwrap()
        .scope(id)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (t, dhcp1, version) = (s.tandem.clone(), dhcp1.clone(), before.version());
        let mut input = ScopeInput::of(&before);
        input.description = format!("editor {i}");
        tasks.push(tokio::spawn(async move {
            t.update_scope(&admin(), &dhcp1, id, &version, &input).await
        }));
    }
    let mut winners = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => winners += 1,
            Err(ServiceError::Conflict { .. }) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(winners, 1);
}
