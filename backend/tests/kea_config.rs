//! What a real Kea pair holds at server level, as Tandem shows and edits it: its client classes
//! (name, test, what each sets, where its scopes use it), a partner whose classes differ found
//! by the configuration review (HA partners must classify clients alike), and classes created,
//! edited and deleted through Tandem on both partners (Kea 3: `class_cmds`; Kea 2.2:
//! `config-set`), refused by field with nothing written.

#[path = "support/kea_pair.rs"]
#[macro_use]
mod kea_pair;
mod support;

use kea_pair::*;

use serde_json::{Value, json};
use tandem_backend::Caller;
use tandem_core::scope_input::OptionInput;
use tandem_core::validate::NewReservation;
use tandem_core::views::ReplicationOutcome;
use tandem_core::{ClassInput, ScopeId};

on_pairs!(
    [kea_2_2: Kea22, kea_3_0: Kea3]
    client_classes_are_listed_and_partners_that_differ_are_found,
    server_options_are_edited_on_both_partners_and_differences_found,
    a_pools_class_and_options_are_edited_on_both_partners
);

fn admin() -> Caller {
    Caller::local("kea-test")
}

/// Server `i`'s configuration changed by `change`, behind Tandem's back (a config-set).
async fn behind_back(pair: &Pair, i: usize, change: impl FnOnce(&mut Value)) {
    let url = &pair.urls[i];
    let mut config = config_get(url).await;
    change(&mut config);
    let answer = kea(url, "config-set", Some(json!({ "Dhcp4": config }))).await;
    assert_eq!(answer["result"], 0, "{answer}");
}

/// Server `i`'s `client-classes` made `classes`, behind Tandem's back.
async fn set_classes(pair: &Pair, i: usize, classes: Value) {
    behind_back(pair, i, |config| config["client-classes"] = classes).await;
}

/// The classes' part of what the review finds, as (check, object).
async fn class_findings(t: &tandem_backend::Tandem) -> Vec<(String, String)> {
    findings_on(t, "client class").await
}

/// What the review finds of objects whose name begins with `object`, as (check, object).
async fn findings_on(t: &tandem_backend::Tandem, object: &str) -> Vec<(String, String)> {
    let review = t.review_now(&admin()).await.unwrap();
    let mut found: Vec<(String, String)> = review
        .findings
        .into_iter()
        .filter(|f| f.object.starts_with(object))
        .map(|f| (f.check, f.object))
        .collect();
    found.sort();
    found.dedup();
    found
}

async fn client_classes_are_listed_and_partners_that_differ_are_found(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, _) = server_names();
    // As Kea's own classify.json writes them: a test, boot fields, an option.
    let classes = json!([
        { "name": "pxe", "test": "substring(option[60].hex,0,9) == 'PXEClient'",
          "next-server": "10.0.0.5", "boot-file-name": "pxelinux.0" },
        { "name": "phones", "test": "option[60].text == 'phone'",
          "option-data": [ { "name": "tftp-server-name", "data": "tftp.example.org" } ] }
    ]);
    for i in 0..2 {
        set_classes(&pair, i, classes.clone()).await;
    }
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let phone = NewReservation {
        ip_address: "10.0.0.150".into(),
        client_id: "00-15-5d-a7-66-50".into(),
        client_classes: Some(vec!["phones".into()]),
        ..Default::default()
    };
    t.create_reservation(&admin(), &kea1, scope, &phone)
        .await
        .unwrap();

    let rows = t.client_classes(&admin(), &kea1).await.unwrap().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.class.name.as_str()).collect();
    assert_eq!(names, ["pxe", "phones"], "{flavor:?}");
    assert_eq!(
        rows[0].class.test,
        "substring(option[60].hex,0,9) == 'PXEClient'"
    );
    for set in ["next-server 10.0.0.5", "boot-file-name pxelinux.0"] {
        assert!(
            rows[0].class.sets.iter().any(|s| s == set),
            "{flavor:?} {set}: {:?}",
            rows[0].class.sets
        );
    }
    assert!(
        rows[1]
            .class
            .sets
            .iter()
            .any(|s| s == "option-data tftp-server-name (66) tftp.example.org"),
        "{:?}",
        rows[1].class.sets
    );
    assert_eq!(
        rows[1].used_by,
        ["reservation 10.0.0.150 in scope 10.0.0.0"]
    );
    assert!(rows[0].used_by.is_empty());
    assert_eq!(class_findings(&t).await, []);

    // Behind Tandem's back, kea2's pxe class boots another file and its phones class is gone.
    set_classes(
        &pair,
        1,
        json!([{ "name": "pxe", "test": "substring(option[60].hex,0,9) == 'PXEClient'",
                 "next-server": "10.0.0.5", "boot-file-name": "ipxe.efi" }]),
    )
    .await;
    let found = class_findings(&t).await;
    assert_eq!(
        found,
        [
            (
                "class-differs-between-partners".to_string(),
                "client class phones".to_string()
            ),
            (
                "class-differs-between-partners".into(),
                "client class pxe".into()
            )
        ],
        "{flavor:?}"
    );

    // Put right through Tandem: pxe edited on kea1 reaches kea2 as it is on kea1; a new class
    // is made on both; phones deleted (kea2 has none: nothing to do there). The pair agrees.
    let rows = t.client_classes(&admin(), &kea1).await.unwrap().unwrap();
    let mut pxe = ClassInput::from(&rows[0].class);
    pxe.boot_file_name = "undionly.kpxe".into();
    let done = t
        .put_client_class(&admin(), &kea1, false, &pxe)
        .await
        .unwrap();
    assert!(
        matches!(done.replication, ReplicationOutcome::Replicated { .. }),
        "{flavor:?} {:?}",
        done.replication
    );
    let voip = ClassInput {
        name: "voip".into(),
        test: "option[60].text == 'voip'".into(),
        options: vec![OptionInput {
            code: "66".into(),
            kind: "Text".into(),
            value: "tftp.voip.example.org".into(),
        }],
        ..ClassInput::default()
    };
    t.put_client_class(&admin(), &kea1, true, &voip)
        .await
        .unwrap();
    t.delete_client_class(&admin(), &kea1, "phones")
        .await
        .unwrap();
    for i in 0..2 {
        let config = config_get(&pair.urls[i]).await;
        let classes = config["client-classes"].as_array().unwrap();
        let names: Vec<&str> = classes.iter().filter_map(|c| c["name"].as_str()).collect();
        assert_eq!(names, ["pxe", "voip"], "{flavor:?} server {i}");
        assert_eq!(classes[0]["boot-file-name"], "undionly.kpxe");
        assert_eq!(classes[0]["next-server"], "10.0.0.5");
        assert_eq!(
            classes[1]["option-data"][0]["data"],
            "tftp.voip.example.org"
        );
    }
    assert_eq!(class_findings(&t).await, [], "{flavor:?}");

    // Refused by field, nothing written on either: a name taken, a built-in name, a test Kea
    // cannot parse, a hostile option value.
    let before = [
        config_get(&pair.urls[0]).await,
        config_get(&pair.urls[1]).await,
    ];
    for (bad, field) in [
        (voip.clone(), "name"),
        (
            ClassInput {
                name: "KNOWN".into(),
                ..voip.clone()
            },
            "name",
        ),
        (
            ClassInput {
                name: "broken".into(),
                test: "option[60].text == ".into(),
                ..ClassInput::default()
            },
            "test",
        ),
        (
            ClassInput {
                name: "hostile".into(),
                options: vec![OptionInput {
                    code: "66".into(),
                    kind: "Text".into(),
                    value: "a\u{0}b".into(),
                }],
                ..ClassInput::default()
            },
            "options",
        ),
    ] {
        let (f, message) = refused(
            t.put_client_class(&admin(), &kea1, true, &bad)
                .await
                .unwrap_err(),
        );
        assert_eq!(f, field, "{flavor:?} {message}");
    }
    let after = [
        config_get(&pair.urls[0]).await,
        config_get(&pair.urls[1]).await,
    ];
    for i in 0..2 {
        assert_eq!(
            after[i]["client-classes"], before[i]["client-classes"],
            "{flavor:?} server {i}"
        );
    }
}

/// Server `i`'s global `option-data` made `options`, behind Tandem's back.
async fn set_global_options(pair: &Pair, i: usize, options: Value) {
    behind_back(pair, i, |config| config["option-data"] = options).await;
}

async fn server_options_are_edited_on_both_partners_and_differences_found(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, _) = server_names();
    let global = json!([
        { "name": "domain-name-servers", "data": "10.0.0.53", "always-send": true },
        { "name": "domain-name", "data": "example.org" },
        { "space": "vendor-4491", "code": 2, "data": "10.0.0.2" }
    ]);
    for i in 0..2 {
        set_global_options(&pair, i, global.clone()).await;
    }
    let read = t.server_options(&admin(), &kea1).await.unwrap().unwrap();
    let codes: Vec<u8> = read.options.keys().copied().collect();
    assert_eq!(codes, [6, 15], "{flavor:?}");
    assert!(
        read.kept.iter().any(|k| k == "option 6 always-send true"),
        "{:?}",
        read.kept
    );
    assert!(
        read.kept
            .iter()
            .any(|k| k.starts_with("option-data vendor-4491/2")),
        "{:?}",
        read.kept
    );
    assert_eq!(findings_on(&t, "server options").await, []);

    // Edited through Tandem: on both, the DNS option's flag and the vendor option kept.
    let option = |code: &str, kind: &str, value: &str| OptionInput {
        code: code.into(),
        kind: kind.into(),
        value: value.into(),
    };
    let done = t
        .put_server_options(
            &admin(),
            &kea1,
            &[
                option("6", "Addresses", "10.0.0.53, 10.0.0.54"),
                option("42", "Addresses", "10.0.0.123"),
            ],
        )
        .await
        .unwrap();
    assert!(
        matches!(done.replication, ReplicationOutcome::Replicated { .. }),
        "{flavor:?} {:?}",
        done.replication
    );
    for i in 0..2 {
        let config = config_get(&pair.urls[i]).await;
        let list = config["option-data"].as_array().unwrap();
        let dns = list
            .iter()
            .find(|o| o["name"] == "domain-name-servers" || o["code"] == 6)
            .unwrap();
        assert_eq!(dns["data"], "10.0.0.53, 10.0.0.54", "{flavor:?} server {i}");
        assert_eq!(dns["always-send"], true);
        assert!(
            list.iter()
                .any(|o| o["code"] == 42 && o["data"] == "10.0.0.123")
        );
        assert!(list.iter().any(|o| o["space"] == "vendor-4491"));
        assert!(
            !list
                .iter()
                .any(|o| o["name"] == "domain-name" || o["code"] == 15),
            "domain-name removed: {list:?}"
        );
    }
    assert_eq!(findings_on(&t, "server options").await, []);

    // Refused by field, nothing written on either.
    let before = [
        config_get(&pair.urls[0]).await,
        config_get(&pair.urls[1]).await,
    ];
    let (field, message) = refused(
        t.put_server_options(&admin(), &kea1, &[option("15", "Text", "a\u{1}b")])
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "options", "{message}");
    for (url, before) in pair.urls.iter().zip(&before) {
        let now = config_get(url).await;
        assert_eq!(now["option-data"], before["option-data"]);
    }

    // kea2's changed behind Tandem's back: the review finds the pair differs.
    set_global_options(&pair, 1, global).await;
    assert_eq!(
        findings_on(&t, "server options").await,
        [(
            "server-options-differ-between-partners".to_string(),
            format!("server options of {kea1}")
        )],
        "{flavor:?}"
    );
}

/// Server `i`'s subnet 10.0.0.0/24 given `pools`, behind Tandem's back.
async fn set_pools(pair: &Pair, i: usize, pools: Value) {
    behind_back(pair, i, |config| config["subnet4"][0]["pools"] = pools).await;
}

async fn a_pools_class_and_options_are_edited_on_both_partners(flavor: Flavor) {
    let pair = Pair::start(flavor).await;
    let db = tempfile::tempdir().unwrap();
    let t = pair.tandem(db.path()).await;
    let (kea1, _) = server_names();
    let class_key = if flavor.kea3() {
        "client-classes"
    } else {
        "client-class"
    };
    let class_value = |name: &str| {
        if flavor.kea3() {
            json!([name])
        } else {
            json!(name)
        }
    };
    let pools = json!([
        { "pool": "10.0.0.1 - 10.0.0.99" },
        { "pool": "10.0.0.100 - 10.0.0.199", class_key: class_value("pxe"), "user-context": { "rack": "B2" },
          "option-data": [ { "name": "tftp-server-name", "data": "boot.example.org", "always-send": true } ] }
    ]);
    for i in 0..2 {
        set_pools(&pair, i, pools.clone()).await;
    }
    pair.wait_state(0, "load-balancing").await;
    pair.wait_state(1, "load-balancing").await;
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let pxe = tandem_backend::driver::kea::mapping::pool_range("10.0.0.100-10.0.0.199").unwrap();
    let read = t.pool(&admin(), &kea1, scope, pxe).await.unwrap().unwrap();
    assert_eq!(read.client_classes, ["pxe"], "{flavor:?}");
    assert_eq!(
        read.options[&66],
        tandem_core::OptionValue::Text("boot.example.org".into())
    );
    assert!(
        read.kept.iter().any(|k| k == r#"user-context rack "B2""#),
        "{:?}",
        read.kept
    );

    // Its class and options changed through Tandem: on both, that pool's keys alone.
    let option = |code: &str, value: &str| OptionInput {
        code: code.into(),
        kind: "Text".into(),
        value: value.into(),
    };
    let input = tandem_core::PoolInput {
        client_classes: vec!["ipxe".into()],
        options: vec![
            option("66", "ipxe.example.org"),
            option("67", "undionly.kpxe"),
        ],
    };
    let done = t
        .put_pool(&admin(), &kea1, scope, pxe, &input)
        .await
        .unwrap();
    assert!(
        matches!(done.replication, ReplicationOutcome::Replicated { .. }),
        "{flavor:?} {:?}",
        done.replication
    );
    for url in &pair.urls {
        let now = config_get(url).await;
        let list = now["subnet4"][0]["pools"].as_array().unwrap().clone();
        assert_eq!(list.len(), 2);
        assert!(
            list[0].get("client-class").is_none()
                && list[0].get("option-data").is_none_or(|o| o == &json!([])),
            "{:?}",
            list[0]
        );
        let pool = &list[1];
        assert_eq!(pool[class_key], class_value("ipxe"), "{flavor:?} {pool}");
        assert_eq!(pool["user-context"]["rack"], "B2");
        let data = pool["option-data"].as_array().unwrap();
        let tftp = data
            .iter()
            .find(|o| o["name"] == "tftp-server-name" || o["code"] == 66)
            .unwrap();
        assert_eq!(tftp["data"], "ipxe.example.org");
        assert_eq!(tftp["always-send"], true, "its flag kept");
        assert!(
            data.iter()
                .any(|o| o["code"] == 67 && o["data"] == "undionly.kpxe")
        );
    }

    // Refused by field, nothing written on either: a bad option; on Kea 2.2, two classes.
    let before = [
        config_get(&pair.urls[0]).await,
        config_get(&pair.urls[1]).await,
    ];
    let bad = tandem_core::PoolInput {
        client_classes: vec!["ipxe".into()],
        options: vec![option("3", "gateway")],
    };
    let (field, message) = refused(
        t.put_pool(&admin(), &kea1, scope, pxe, &bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "options", "{message}");
    if !flavor.kea3() {
        let two = tandem_core::PoolInput {
            client_classes: vec!["ipxe".into(), "pxe".into()],
            options: Vec::new(),
        };
        let (field, message) = refused(
            t.put_pool(&admin(), &kea1, scope, pxe, &two)
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "client_classes", "{message}");
    }
    for (url, before) in pair.urls.iter().zip(&before) {
        assert_eq!(
            config_get(url).await["subnet4"][0]["pools"],
            before["subnet4"][0]["pools"]
        );
    }
}
