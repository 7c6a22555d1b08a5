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
    // A built-in server has no shared networks (superscopes): refused on the field.
    let in_network = ScopeInput {
        scope_id: "10.2.0.0".into(),
        start: "10.2.0.10".into(),
        end: "10.2.0.20".into(),
        shared_network: "floor-2".into(),
        ..lab()
    };
    let refused = s.tandem.create_scope(&admin(), &dhcp1, &in_network).await;
    assert!(
        matches!(&refused, Err(ServiceError::Validation(e)) if e.get("shared_network").unwrap().contains("no shared networks")),
        "{refused:?}"
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
        client_id: MacAddress::parse("001122334455").unwrap().into(),
        name: String::new(),
        description: String::new(),
        kind: ReservationType::Both,
        settings: Default::default(),
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
    // A reservation added on dhcp1 after the edit was opened: the edit changes properties
    // only, so it is not stale, and dhcp1 keeps the reservation.
    let meanwhile = Reservation {
        ip_address: "10.0.0.151".parse().unwrap(),
        client_id: MacAddress::parse("001122334456").unwrap().into(),
        ..extra.clone()
    };
    d1.add_reservation(id, &meanwhile).await.unwrap();
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
        .update_scope(&admin(), &dhcp1, id, &before.properties_version(), &input)
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
    assert!(
        d1.scope(id)
            .await
            .unwrap()
            .reservation(meanwhile.ip_address)
            .is_some(),
        "the edited server keeps the reservation added meanwhile"
    );

    // A second edit based on the old version is refused and changes nothing.
    input.name = "stale".into();
    let stale = s
        .tandem
        .update_scope(&admin(), &dhcp1, id, &before.properties_version(), &input)
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
        .delete_scope(&admin(), &dhcp1, ScopeId::parse("10.0.0.0").unwrap(), None)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Validation(e)) if e.get("scope_id").unwrap().contains("remove failover first"))
    );
    s.tandem
        .create_scope(&admin(), &dhcp1, &lab())
        .await
        .unwrap();
    s.tandem
        .delete_scope(&admin(), &dhcp1, ScopeId::parse("10.1.0.0").unwrap(), None)
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
        let (t, dhcp1, version) = (s.tandem.clone(), dhcp1.clone(), before.properties_version());
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

/// Every rule of the scope dialog, broken one at a time on the seed's failover scope: each is
/// refused naming its field, and neither server changes.
#[tokio::test]
async fn every_scope_rule_is_refused_by_field_and_writes_nothing_on_either_server() {
    let (_d, s) = start().await;
    let (dhcp1, dc1) = (name("dhcp1.contoso.com"), name("dc1.contoso.com"));
    let id = ScopeId::parse("10.0.0.0").unwrap();
    // A second scope on dhcp1, for the overlap rule.
    s.tandem
        .create_scope(&admin(), &dhcp1, &lab())
        .await
        .unwrap();
    let d1 = s.tandem.driver(&dhcp1).await.unwrap();
    let d2 = s.tandem.driver(&dc1).await.unwrap();
    let before = d1.scope(id).await.unwrap();
    let partner_before = d2.scope(id).await.unwrap();
    let base = ScopeInput::of(&before);
    let option = |code: &str, kind: &str, value: &str| OptionInput {
        code: code.into(),
        kind: kind.into(),
        value: value.into(),
    };
    let cases: Vec<(&str, ScopeInput)> = vec![
        (
            "subnet_mask",
            ScopeInput {
                subnet_mask: "255.0.255.0".into(),
                ..base.clone()
            },
        ),
        (
            "subnet_mask",
            ScopeInput {
                subnet_mask: "/31".into(),
                ..base.clone()
            },
        ),
        // The range leaves the subnet.
        (
            "range",
            ScopeInput {
                end: "10.0.1.5".into(),
                ..base.clone()
            },
        ),
        (
            "end",
            ScopeInput {
                start: "10.0.0.50".into(),
                end: "10.0.0.40".into(),
                ..base.clone()
            },
        ),
        (
            "start",
            ScopeInput {
                start: "10.0.0".into(),
                ..base.clone()
            },
        ),
        (
            "name",
            ScopeInput {
                name: "  ".into(),
                ..base.clone()
            },
        ),
        (
            "lease_duration_secs",
            ScopeInput {
                lease_duration_secs: "eight days".into(),
                ..base.clone()
            },
        ),
        (
            "lease_duration",
            ScopeInput {
                lease_duration_secs: "0".into(),
                ..base.clone()
            },
        ),
        (
            "state",
            ScopeInput {
                state: "Paused".into(),
                ..base.clone()
            },
        ),
        // Exclusions outside the range, overlapping, or not ranges at all.
        (
            "exclusions",
            ScopeInput {
                exclusions: "10.0.1.1-10.0.1.5".into(),
                ..base.clone()
            },
        ),
        (
            "exclusions",
            ScopeInput {
                exclusions: "10.0.0.10-10.0.0.20\n10.0.0.15-10.0.0.30".into(),
                ..base.clone()
            },
        ),
        (
            "exclusions",
            ScopeInput {
                exclusions: "10.0.0.10 to 20".into(),
                ..base.clone()
            },
        ),
        // Options: router and DNS take addresses, whatever type is claimed; a number is a number.
        (
            "options",
            ScopeInput {
                options: vec![option("3", "Text", "gateway")],
                ..base.clone()
            },
        ),
        (
            "options",
            ScopeInput {
                options: vec![option("6", "", "")],
                ..base.clone()
            },
        ),
        (
            "options",
            ScopeInput {
                options: vec![option("51", "Number", "a day")],
                ..base.clone()
            },
        ),
        (
            "options",
            ScopeInput {
                options: vec![option("300", "Text", "x")],
                ..base.clone()
            },
        ),
        (
            "options",
            ScopeInput {
                options: vec![option("44", "Blob", "x")],
                ..base.clone()
            },
        ),
        (
            "options",
            ScopeInput {
                options: vec![option("15", "", "a"), option("15", "", "b")],
                ..base.clone()
            },
        ),
        // Shrinking the range away from reservation 10.0.0.99.
        (
            "reservations",
            ScopeInput {
                end: "10.0.0.50".into(),
                ..base.clone()
            },
        ),
        // A bigger subnet that would overlap dhcp1's 10.1.0.0/24.
        (
            "scope_id",
            ScopeInput {
                subnet_mask: "/15".into(),
                ..base.clone()
            },
        ),
    ];
    for (field, input) in cases {
        let refused = s
            .tandem
            .update_scope(&admin(), &dhcp1, id, &before.properties_version(), &input)
            .await;
        match refused {
            Err(ServiceError::Validation(errors)) => assert!(
                errors.get(field).is_some(),
                "{field}: {errors:?} for {input:?}"
            ),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(d1.scope(id).await.unwrap(), before, "nothing written here");
    assert_eq!(
        d2.scope(id).await.unwrap(),
        partner_before,
        "nor on the partner"
    );

    // The same rules hold for a new scope: a subnet overlapping one on the server.
    let overlapping = ScopeInput {
        scope_id: "10.1.0.0".into(),
        subnet_mask: "/16".into(),
        start: "10.1.5.1".into(),
        end: "10.1.5.9".into(),
        ..lab()
    };
    let refused = s.tandem.create_scope(&admin(), &dc1, &overlapping).await;
    assert!(refused.is_ok(), "dc1 has no 10.1.0.0: {refused:?}");
    let refused = s.tandem.create_scope(&admin(), &dhcp1, &overlapping).await;
    assert!(matches!(refused, Err(ServiceError::Validation(e)) if e.get("scope_id").is_some()));
}

/// Every kind of edit made through Tandem on a failover scope reaches the partner: after each,
/// the two copies have no difference.
#[tokio::test]
async fn every_kind_of_edit_on_a_failover_scope_reaches_the_partner() {
    use tandem_core::drift::differences;
    use tandem_core::validate::NewReservation;
    let (_d, s) = start().await;
    let (dhcp1, dc1) = (name("dhcp1.contoso.com"), name("dc1.contoso.com"));
    let id = ScopeId::parse("10.0.0.0").unwrap();
    let d1 = s.tandem.driver(&dhcp1).await.unwrap();
    let d2 = s.tandem.driver(&dc1).await.unwrap();
    type Edit = Box<dyn Fn(&mut ScopeInput)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("name", Box::new(|i| i.name = "Contoso HQ".into())),
        (
            "description",
            Box::new(|i| i.description = "third floor".into()),
        ),
        (
            "range",
            Box::new(|i| {
                i.start = "10.0.0.20".into();
                i.end = "10.0.0.200".into();
            }),
        ),
        (
            "subnet mask",
            Box::new(|i| {
                i.subnet_mask = "/23".into();
                i.end = "10.0.1.200".into();
            }),
        ),
        (
            "lease duration",
            Box::new(|i| i.lease_duration_secs = "3600".into()),
        ),
        ("state", Box::new(|i| i.state = "Inactive".into())),
        (
            "exclusion added",
            Box::new(|i| i.exclusions = "10.0.0.20-10.0.0.29\n10.0.1.0-10.0.1.9".into()),
        ),
        (
            "exclusion removed",
            Box::new(|i| i.exclusions = "10.0.1.0-10.0.1.9".into()),
        ),
        (
            "options added",
            Box::new(|i| {
                i.options = vec![
                    OptionInput {
                        code: "3".into(),
                        kind: String::new(),
                        value: "10.0.0.1".into(),
                    },
                    OptionInput {
                        code: "6".into(),
                        kind: String::new(),
                        value: "10.0.0.2 10.0.0.3".into(),
                    },
                    OptionInput {
                        code: "15".into(),
                        kind: String::new(),
                        value: "contoso.com".into(),
                    },
                    OptionInput {
                        code: "51".into(),
                        kind: "Number".into(),
                        value: "7200".into(),
                    },
                ]
            }),
        ),
        (
            "option changed and one removed",
            Box::new(|i| {
                i.options.retain(|o| o.code != "51");
                i.options[1].value = "10.0.0.4".into();
            }),
        ),
    ];
    for (what, edit) in edits {
        let before = d1.scope(id).await.unwrap();
        let mut input = ScopeInput::of(&before);
        edit(&mut input);
        let outcome = s
            .tandem
            .update_scope(&admin(), &dhcp1, id, &before.properties_version(), &input)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(!outcome.replication.is_failure(), "{what}: {outcome:?}");
        let (here, there) = (d1.scope(id).await.unwrap(), d2.scope(id).await.unwrap());
        assert_ne!(here, before, "{what}: the edit changed the scope");
        assert!(
            differences(&here, &there).is_empty(),
            "{what}: {:?}",
            differences(&here, &there)
        );
    }
    // Reservations: created, edited (the address too), deleted.
    let new = NewReservation {
        ip_address: "10.0.0.150".into(),
        client_id: "00155DA76602".into(),
        name: "printer".into(),
        ..Default::default()
    };
    s.tandem
        .create_reservation(&admin(), &dhcp1, id, &new)
        .await
        .unwrap();
    let current = d1
        .scope(id)
        .await
        .unwrap()
        .reservation("10.0.0.150".parse().unwrap())
        .unwrap()
        .clone();
    let moved = NewReservation {
        ip_address: "10.0.1.150".into(),
        description: "moved".into(),
        ..new
    };
    s.tandem
        .edit_reservation(
            &admin(),
            &dhcp1,
            id,
            current.ip_address,
            &current.version(),
            &moved,
        )
        .await
        .unwrap();
    let (here, there) = (d1.scope(id).await.unwrap(), d2.scope(id).await.unwrap());
    assert!(here.reservation("10.0.1.150".parse().unwrap()).is_some());
    assert!(
        differences(&here, &there).is_empty(),
        "{:?}",
        differences(&here, &there)
    );
    s.tandem
        .delete_reservation(&admin(), &dhcp1, id, "10.0.1.150".parse().unwrap(), None)
        .await
        .unwrap();
    let (here, there) = (d1.scope(id).await.unwrap(), d2.scope(id).await.unwrap());
    assert!(here.reservation("10.0.1.150".parse().unwrap()).is_none());
    assert!(differences(&here, &there).is_empty());
}
