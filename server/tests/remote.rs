//! `tandem --url … --token …`: the real binary against a Tandem serving on loopback, with the
//! seed's cmdlets' shapes, and the exit codes a script relies on (0 done, 1 refused, 2 usage,
//! 3 unreachable).

mod common;

use std::net::SocketAddr;
use tandem_backend::Caller;

const PASSWORD: &str = "remote test password";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `tandem` with `args` (the environment's own TANDEM_* and settings file ignored).
async fn tandem(args: Vec<String>) -> Run {
    tandem_in(args, std::path::Path::new("/nonexistent")).await
}

/// Runs `tandem` with `args`, its settings under `config` (as `XDG_CONFIG_HOME`).
async fn tandem_in(args: Vec<String>, config: &std::path::Path) -> Run {
    let config = config.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(&args)
            .env_remove("TANDEM_URL")
            .env_remove("TANDEM_TOKEN")
            .env_remove("TANDEM_PROFILE")
            .env("XDG_CONFIG_HOME", config)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn args(url: &str, token: &str, rest: &[&str]) -> Vec<String> {
    let mut all = vec![
        "--url".to_string(),
        url.to_string(),
        "--token".into(),
        token.into(),
    ];
    all.extend(rest.iter().map(ToString::to_string));
    all
}

/// The reservation at `ip` as `reservation list` (its arguments: `list`) shows it in JSON.
async fn on_partner(mut list: Vec<String>, ip: &str) -> serde_json::Value {
    list.insert(4, "json".into());
    list.insert(4, "--output".into());
    let view: serde_json::Value = serde_json::from_str(&tandem(list).await.stdout).unwrap();
    view["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ip_address"] == ip)
        .unwrap()
        .clone()
}

/// A Tandem with the built-in pair serving on loopback: its data folder, URL and an admin's
/// API token.
async fn serving() -> (
    tempfile::TempDir,
    tandem_backend::bootstrap::Started,
    String,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let (started, app) = common::started(dir.path(), PASSWORD).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let admin = started
        .tandem
        .sign_in("admin", PASSWORD, "127.0.0.1")
        .await
        .unwrap();
    let token = started
        .tandem
        .create_token(&Caller::new(admin.principal), "cli", None)
        .await
        .unwrap()
        .token;
    (dir, started, url, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remote_cli_changes_both_partners_and_exits_as_scripts_expect() {
    let (dir, started, url, token) = serving().await;
    let scope = ["--server", "dhcp1.contoso.com", "--scope", "10.0.0.0"];
    let with = |rest: &[&str]| args(&url, &token, &[rest, &scope].concat());

    // Add-DhcpServerv4Reservation: on both partners.
    let added = tandem(with(&[
        "reservation",
        "add",
        "--ip",
        "10.0.0.170",
        "--client-id",
        "00155DA76670",
        "--name",
        "cli-made",
        "--boot-file-name",
        "pxelinux.0",
        "--client-classes",
        "pxe, floor-2",
        "--option",
        "66=tftp.contoso.com",
        "--option",
        "3:Addresses=10.0.0.1,10.0.0.2",
    ]))
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert!(
        added.stdout.contains("replicated to dc1.contoso.com"),
        "{}",
        added.stdout
    );
    let partner = args(
        &url,
        &token,
        &[
            "reservation",
            "list",
            "--server",
            "dc1.contoso.com",
            "--scope",
            "10.0.0.0",
        ],
    );
    let listed = tandem(partner.clone()).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.starts_with("IPAddress"), "{}", listed.stdout);
    assert!(listed.stdout.contains("10.0.0.170") && listed.stdout.contains("cli-made"));

    // Set-DhcpServerv4Reservation: only what is given changes; JSON for scripts.
    let set = tandem(with(&[
        "reservation",
        "set",
        "--ip",
        "10.0.0.170",
        "--name",
        "renamed",
    ]))
    .await;
    assert_eq!(set.code, 0, "{}", set.stderr);
    let found = on_partner(partner.clone(), "10.0.0.170").await;
    assert_eq!(found["name"], "renamed");
    // The client ID was not given: it stayed; so did the boot settings and classes.
    assert_eq!(found["client_id"], "00-15-5d-a7-66-70");
    assert_eq!(found["boot_file_name"], "pxelinux.0");
    assert_eq!(
        found["client_classes"],
        serde_json::json!(["pxe", "floor-2"])
    );
    assert_eq!(
        found["options"],
        serde_json::json!({
            "3": { "kind": "Addresses", "value": ["10.0.0.1", "10.0.0.2"] },
            "66": { "kind": "Text", "value": "tftp.contoso.com" }
        })
    );
    // Options given replace the reservation's; a bad one is refused on its field.
    let bad = tandem(with(&[
        "reservation",
        "set",
        "--ip",
        "10.0.0.170",
        "--option",
        "3:Addresses=10.0.0.300",
    ]))
    .await;
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("options:"), "{}", bad.stderr);
    let cleared = tandem(with(&[
        "reservation",
        "set",
        "--ip",
        "10.0.0.170",
        "--clear-options",
    ]))
    .await;
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    let found = on_partner(partner.clone(), "10.0.0.170").await;
    assert_eq!(found["options"], serde_json::json!({}));
    assert_eq!(found["boot_file_name"], "pxelinux.0");

    // By another identifier: the type given, or kept by a set that gives only the value.
    let by_id = tandem(with(&[
        "reservation",
        "add",
        "--ip",
        "10.0.0.171",
        "--identifier-type",
        "client-id",
        "--client-id",
        "01-00-15-5D-A7-66-71",
    ]))
    .await;
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    let moved = tandem(with(&[
        "reservation",
        "set",
        "--ip",
        "10.0.0.171",
        "--client-id",
        "01:00:15:5d:a7:66:72",
    ]))
    .await;
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    let listed = tandem(partner.clone()).await;
    assert!(
        listed.stdout.lines().any(|l| l.starts_with("10.0.0.171")
            && l.contains("01:00:15:5d:a7:66:72")
            && l.trim_end().ends_with("client-id")),
        "{}",
        listed.stdout
    );

    // Refused: exit 1, each field's reason on stderr, nothing written.
    let refused = tandem(with(&[
        "reservation",
        "add",
        "--ip",
        "10.0.0.171",
        "--client-id",
        "nope",
    ]))
    .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("client_id:"), "{}", refused.stderr);

    // Get-DhcpServerv4Failover's columns; replication; removal.
    let failover = tandem(args(&url, &token, &["failover", "list"])).await;
    assert_eq!(failover.code, 0, "{}", failover.stderr);
    assert!(failover.stdout.contains("PrimaryServerName"));
    assert!(
        failover
            .stdout
            .contains("dhcp1.contoso.com-dc1.contoso.com")
    );
    // A dry run first, with dc1's copy renamed behind Tandem's back: it says what would change
    // and writes nothing; its basis then replicates only as previewed.
    let scope_id = tandem_core::ScopeId::parse("10.0.0.0").unwrap();
    let dc1 = started
        .tandem
        .driver(&tandem_core::ServerName::parse("dc1.contoso.com").unwrap())
        .await
        .unwrap();
    let mut copy = dc1.scope(scope_id).await.unwrap();
    copy.name = "renamed on dc1".into();
    dc1.put_scope(&copy).await.unwrap();
    let replicate = [
        "replicate",
        "--server",
        "dhcp1.contoso.com",
        "--scope",
        "10.0.0.0",
    ];
    let dry = tandem(args(
        &url,
        &token,
        &[&replicate[..], &["--dry-run"]].concat(),
    ))
    .await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("replicating from dhcp1.contoso.com would change dc1.contoso.com's copy"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("renamed on dc1"), "{}", dry.stdout);
    assert_eq!(dc1.scope(scope_id).await.unwrap().name, "renamed on dc1");
    let basis = dry
        .stdout
        .lines()
        .last()
        .unwrap()
        .strip_prefix("basis ")
        .unwrap();
    let stale = tandem(args(
        &url,
        &token,
        &[&replicate[..], &["--basis", "0.0"]].concat(),
    ))
    .await;
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(
        stale.stderr.contains("changed since the preview"),
        "{}",
        stale.stderr
    );
    assert_eq!(dc1.scope(scope_id).await.unwrap().name, "renamed on dc1");
    let replicated = tandem(args(
        &url,
        &token,
        &[&replicate[..], &["--basis", basis]].concat(),
    ))
    .await;
    assert_eq!(replicated.code, 0, "{}", replicated.stderr);
    assert_ne!(dc1.scope(scope_id).await.unwrap().name, "renamed on dc1");
    let nothing = tandem(args(
        &url,
        &token,
        &[&replicate[..], &["--dry-run"]].concat(),
    ))
    .await;
    assert!(
        nothing.stdout.contains("nothing would change"),
        "{}",
        nothing.stdout
    );
    // A relationship's dry run and a server's: each scope's changes, then one basis.
    copy.name = "renamed on dc1 again".into();
    dc1.put_scope(&copy).await.unwrap();
    let relationship = [
        "replicate",
        "--server",
        "dhcp1.contoso.com",
        "--relationship",
        "dhcp1.contoso.com-dc1.contoso.com",
    ];
    let server = ["replicate", "--server", "dhcp1.contoso.com"];
    for command in [&relationship[..], &server[..]] {
        let dry = tandem(args(&url, &token, &[command, &["--dry-run"]].concat())).await;
        assert_eq!(dry.code, 0, "{}", dry.stderr);
        assert!(
            dry.stdout.contains(
                "scope 10.0.0.0: replicating from dhcp1.contoso.com would change dc1.contoso.com's copy"
            ) && dry.stdout.contains("renamed on dc1 again"),
            "{}",
            dry.stdout
        );
        assert!(dry.stdout.lines().last().unwrap().starts_with("basis "));
    }
    assert_eq!(
        dc1.scope(scope_id).await.unwrap().name,
        "renamed on dc1 again"
    );
    let dry = tandem(args(
        &url,
        &token,
        &[&relationship[..], &["--dry-run"]].concat(),
    ))
    .await;
    let basis = dry
        .stdout
        .lines()
        .last()
        .unwrap()
        .strip_prefix("basis ")
        .unwrap();
    let stale = tandem(args(
        &url,
        &token,
        &[&server[..], &["--basis", "1.0"]].concat(),
    ))
    .await;
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert_eq!(
        dc1.scope(scope_id).await.unwrap().name,
        "renamed on dc1 again"
    );
    let replicated = tandem(args(
        &url,
        &token,
        &[&relationship[..], &["--basis", basis]].concat(),
    ))
    .await;
    assert_eq!(replicated.code, 0, "{}", replicated.stderr);
    assert_ne!(
        dc1.scope(scope_id).await.unwrap().name,
        "renamed on dc1 again"
    );
    // That replication undone from the CLI: dc1 has its own copy back; a second time refused.
    let filter = tandem_backend::store::events::EventFilter {
        action: "replicate_scope".into(),
        ..Default::default()
    };
    let local = tandem_backend::Caller::local("test");
    let last = started
        .tandem
        .search_events(&local, &filter, 1)
        .await
        .unwrap()[0]
        .id;
    let last = last.to_string();
    let undo = ["undo", "--event", last.as_str()];
    let undone = tandem(args(&url, &token, &undo)).await;
    assert_eq!(undone.code, 0, "{}", undone.stderr);
    assert_eq!(
        undone.stdout.trim(),
        "undone: done on dc1.contoso.com (not in failover)"
    );
    assert_eq!(
        dc1.scope(scope_id).await.unwrap().name,
        "renamed on dc1 again"
    );
    let again = tandem(args(&url, &token, &undo)).await;
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(again.stderr.contains("undone already"), "{}", again.stderr);
    let bad = tandem(args(&url, &token, &["undo", "--event", "x"])).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let removed = tandem(with(&["reservation", "remove", "--ip", "10.0.0.170"])).await;
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert!(!tandem(partner.clone()).await.stdout.contains("10.0.0.170"));

    // Import-Csv | Add-DhcpServerv4Reservation: previewed (nothing written), then applied to
    // both partners; a refused row is named on stderr and exits 1, the others are still done.
    let csv = dir.path().join("reservations.csv");
    std::fs::write(
        &csv,
        "ScopeId,IPAddress,Name,ClientId,Description\r\n\
         10.0.0.0,10.0.0.180,imported,00-15-5d-a7-66-80,from the CLI\r\n\
         10.0.0.0,10.0.0.181,outside-mac,00-15-5d-a7-66,\r\n",
    )
    .unwrap();
    let import = |apply: bool| {
        let mut rest = vec![
            "reservation",
            "import",
            "--server",
            "dhcp1.contoso.com",
            "--file",
            csv.to_str().unwrap(),
        ];
        if apply {
            rest.push("--apply");
        }
        args(&url, &token, &rest)
    };
    let previewed = tandem(import(false)).await;
    assert_eq!(previewed.code, 1, "{}", previewed.stderr);
    assert!(
        previewed.stdout.contains("will add"),
        "{}",
        previewed.stdout
    );
    assert!(
        previewed.stderr.contains("preview (nothing written"),
        "{}",
        previewed.stderr
    );
    assert!(
        previewed.stderr.contains("line 3: ClientId:"),
        "{}",
        previewed.stderr
    );
    assert!(!tandem(partner.clone()).await.stdout.contains("10.0.0.180"));
    let applied = tandem(import(true)).await;
    assert_eq!(applied.code, 1, "{}", applied.stderr);
    assert!(applied.stdout.contains("done"), "{}", applied.stdout);
    assert!(
        applied.stderr.contains("replicated to dc1.contoso.com"),
        "{}",
        applied.stderr
    );
    assert!(tandem(partner.clone()).await.stdout.contains("10.0.0.180"));
    let missing = tandem(args(
        &url,
        &token,
        &[
            "reservation",
            "import",
            "--server",
            "dhcp1.contoso.com",
            "--file",
            "/nonexistent.csv",
        ],
    ))
    .await;
    assert_eq!(missing.code, 2, "{}", missing.stderr);

    // A wrong token: refused (1). Nobody there: unreachable (3). No token, or a bad command:
    // usage (2).
    let wrong = tandem(args(&url, "tdm_wrong", &["failover", "list"])).await;
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    let nobody = tandem(args("http://127.0.0.1:1", &token, &["failover", "list"])).await;
    assert_eq!(nobody.code, 3, "{}", nobody.stderr);
    let no_token = tandem(vec![
        "--url".into(),
        url.clone(),
        "failover".into(),
        "list".into(),
    ])
    .await;
    assert_eq!(no_token.code, 2, "{}", no_token.stderr);
    let bad = tandem(args(&url, &token, &["reservation", "add", "--ip"])).await;
    assert_eq!(bad.code, 2);

    // Server-wide reservations: an identifier its type refuses is refused by field (1), and
    // the built-in server, after Windows, holds none (1, said so). Kea pairs: the backend's
    // kea_fidelity suite.
    let global = |rest: &[&str]| {
        let mut all = vec!["global-reservation"];
        all.extend_from_slice(rest);
        all.extend_from_slice(&["--server", "dhcp1.contoso.com"]);
        args(&url, &token, &all)
    };
    let refused = tandem(global(&[
        "add",
        "--client-id",
        "01:zz",
        "--identifier-type",
        "client-id",
    ]))
    .await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("client_id"), "{}", refused.stderr);
    let none = tandem(global(&["list"])).await;
    assert_eq!(none.code, 1, "{}", none.stderr);
    assert!(
        none.stderr.contains("has no server-wide reservations"),
        "{}",
        none.stderr
    );
    let held = tandem(global(&["add", "--client-id", "00155DA76671"])).await;
    assert_eq!(held.code, 1, "{}", held.stderr);
    assert!(
        held.stderr.contains("server-wide reservations"),
        "{}",
        held.stderr
    );
    // A scope's reservations without an address (--scope): an address is refused on its
    // field; the built-in server holds none (said so).
    let addressed = tandem(global(&[
        "add",
        "--scope",
        "10.0.0.0",
        "--client-id",
        "00155DA76672",
        "--ip",
        "10.0.0.150",
    ]))
    .await;
    assert_eq!(addressed.code, 1, "{}", addressed.stderr);
    let scoped = tandem(global(&["list", "--scope", "10.0.0.0"])).await;
    assert_eq!(scoped.code, 1, "{}", scoped.stderr);
    assert!(
        scoped.stderr.contains("no reservations without an address"),
        "{}",
        scoped.stderr
    );
}

/// The daily jobs beyond reservations: scopes listed, shown and changed (on the partner too, a
/// stale read refused), relationships shown, changed, with a scope out and back in and
/// maintenance refused where the server cannot; events listed and exported; a profile of the
/// settings file instead of --url/--token (refused when others may read it); CSV output; shell
/// completions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remote_cli_covers_scopes_relationships_events_and_profiles() {
    let (_dir, _started, url, token) = serving().await;
    let with = |rest: &[&str]| args(&url, &token, rest);
    let ok = |run: Run| {
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        run.stdout
    };

    // Scopes: listed (table and CSV), shown, changed on both partners.
    let listed = ok(tandem(with(&["scope", "list", "--server", "dc1.contoso.com"])).await);
    assert!(listed.starts_with("Server"), "{listed}");
    assert!(listed.contains("dc1.contoso.com") && listed.contains("10.0.0.0"));
    let csv = ok(tandem(with(&["--output", "csv", "scope", "list"])).await);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Server,ScopeId,Name,StartRange,EndRange,SubnetMask,State,Reservations,FailoverRelationship,Drift"
        )
    );
    assert_eq!(lines.count(), 2, "{csv}");
    let one = ["--server", "dhcp1.contoso.com", "--scope", "10.0.0.0"];
    let set = ok(tandem(with(
        &[
            &[
                "scope",
                "set",
                "--description",
                "second floor",
                "--lease-duration",
                "3600",
            ][..],
            &one,
        ]
        .concat(),
    ))
    .await);
    assert!(set.contains("replicated to dc1.contoso.com"), "{set}");
    for server in ["dhcp1.contoso.com", "dc1.contoso.com"] {
        let shown = ok(tandem(with(&[
            "scope", "show", "--server", server, "--scope", "10.0.0.0",
        ]))
        .await);
        assert!(shown.contains("second floor"), "{server}: {shown}");
        assert!(shown.contains("1 hour"), "{server}: {shown}");
        assert!(shown.contains("Contoso"), "the name is kept: {shown}");
    }
    let nothing = tandem(with(&[&["scope", "set"][..], &one].concat())).await;
    assert_eq!(nothing.code, 2, "{}", nothing.stderr);

    // Relationships: shown, changed (what is not given kept), a scope out and back in.
    let name = "dhcp1.contoso.com-dc1.contoso.com";
    let shown = ok(tandem(with(&["failover", "show", "--name", name])).await);
    assert!(
        shown.contains("LoadBalance") && shown.contains("10.0.0.0"),
        "{shown}"
    );
    ok(tandem(with(&["failover", "set", "--name", name, "--mclt", "1800"])).await);
    let json: serde_json::Value = serde_json::from_str(&ok(tandem(with(&[
        "--output", "json", "failover", "show", "--name", name,
    ]))
    .await))
    .unwrap();
    assert_eq!(json["relationship"]["max_client_lead_time_secs"], 1800);
    assert_eq!(json["relationship"]["mode"], "LoadBalance", "kept");
    let out = ok(tandem(with(&[
        "failover",
        "remove-scope",
        "--server",
        "dhcp1.contoso.com",
        "--scope",
        "10.0.0.0",
    ]))
    .await);
    assert!(out.contains("deleted on dc1.contoso.com"), "{out}");
    let back = ok(tandem(with(&[
        "failover",
        "add-scope",
        "--server",
        "dhcp1.contoso.com",
        "--name",
        name,
        "--scope",
        "10.0.0.0",
    ]))
    .await);
    assert!(back.contains("is in"), "{back}");
    let maintenance = tandem(with(&[
        "failover",
        "maintenance",
        "--server",
        "dhcp1.contoso.com",
        "--name",
        name,
        "--on",
    ]))
    .await;
    assert_eq!(
        maintenance.code, 1,
        "the built-in server has no maintenance: {}",
        maintenance.stderr
    );
    let neither = tandem(with(&[
        "failover",
        "maintenance",
        "--server",
        "dhcp1.contoso.com",
        "--name",
        name,
    ]))
    .await;
    assert_eq!(neither.code, 2, "--on or --off: {}", neither.stderr);

    // Removed (its scope kept on dhcp1, gone from dc1), then made again with it.
    let removed = ok(tandem(with(&[
        "failover",
        "remove",
        "--server",
        "dhcp1.contoso.com",
        "--name",
        name,
    ]))
    .await);
    assert!(
        removed.contains("1 scope(s) kept on dhcp1.contoso.com"),
        "{removed}"
    );
    let made = ok(tandem(with(&[
        "failover",
        "create",
        "--primary",
        "dhcp1.contoso.com",
        "--secondary",
        "dc1.contoso.com",
        "--scope",
        "10.0.0.0",
        "--mode",
        "HotStandby",
        "--reserve-percent",
        "10",
    ]))
    .await);
    assert!(
        made.contains(&format!("relationship {name} made")),
        "{made}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(tandem(with(&[
        "--output", "json", "failover", "show", "--name", name,
    ]))
    .await))
    .unwrap();
    assert_eq!(json["relationship"]["mode"], "HotStandby");
    assert_eq!(json["relationship"]["reserve_percent"], 10);
    assert_eq!(
        json["relationship"]["scopes"],
        serde_json::json!(["10.0.0.0"])
    );

    // Events: a page, and the export as CSV.
    let events = tandem(with(&["event", "list", "--action", "update_scope"])).await;
    let listed = ok(Run { ..events });
    assert!(
        listed.contains("update_scope") && listed.contains("scope 10.0.0.0"),
        "{listed}"
    );
    let exported = ok(tandem(with(&[
        "event",
        "export",
        "--action",
        "update_relationship",
    ]))
    .await);
    assert!(exported.starts_with("id,at,actor,action"), "{exported}");
    assert_eq!(exported.lines().count(), 2, "{exported}");

    // A profile instead of --url and --token; refused while others may read it.
    let config = tempfile::tempdir().unwrap();
    std::fs::create_dir(config.path().join("tandem")).unwrap();
    let file = config.path().join("tandem").join("cli.toml");
    std::fs::write(
        &file,
        format!("default = \"lab\"\n[profiles.lab]\nurl = \"{url}\"\ntoken = \"{token}\"\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = tandem_in(vec!["failover".into(), "list".into()], config.path()).await;
    assert_eq!(open.code, 2, "{}", open.stderr);
    assert!(open.stderr.contains("chmod 600"), "{}", open.stderr);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let listed = ok(tandem_in(vec!["failover".into(), "list".into()], config.path()).await);
    assert!(listed.contains(name), "{listed}");
    let unknown = tandem_in(
        vec![
            "--profile".into(),
            "prod".into(),
            "failover".into(),
            "list".into(),
        ],
        config.path(),
    )
    .await;
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no profile 'prod' (it has: lab)"),
        "{}",
        unknown.stderr
    );

    // Shell completions.
    let bash = ok(tandem(vec!["completions".into(), "bash".into()]).await);
    assert!(
        bash.contains("_tandem()") && bash.contains("failover"),
        "{bash:.200}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remote_cli_finds_reserves_deletes_and_clears_leases() {
    use tandem_backend::builtin::Lease;
    use tandem_core::{MacAddress, ScopeId};
    let (_dir, started, url, token) = serving().await;
    let scope = ScopeId::parse("10.0.0.0").unwrap();
    let lease = |last: u8| Lease {
        scope_id: scope,
        ip_address: [10, 0, 0, last].into(),
        client_id: MacAddress::parse(&format!("02-00-00-00-01-{last:02x}")).unwrap(),
        expires: (chrono::Utc::now() + chrono::Duration::hours(8)).to_rfc3339(),
        hostname: format!("laptop{last}"),
        declined: false,
    };
    for b in &started.builtin {
        for last in [40, 41] {
            b.server.change(|c| c.add_lease(lease(last))).await.unwrap();
        }
    }
    let run = |rest: &[&str]| tandem(args(&url, &token, rest));

    let found = run(&["lease", "find", "10.0.0.40"]).await;
    assert_eq!(found.code, 0, "{}", found.stderr);
    assert!(found.stdout.contains("laptop40"), "{}", found.stdout);
    assert_eq!(
        found.stdout.matches("10.0.0.40").count(),
        2,
        "{}",
        found.stdout
    );

    // Reserve: the lease's client and host name, in its scope, on both partners.
    let reserved = run(&[
        "lease",
        "reserve",
        "--server",
        "dhcp1.contoso.com",
        "--ip",
        "10.0.0.40",
    ])
    .await;
    assert_eq!(reserved.code, 0, "{}", reserved.stderr);
    assert!(
        reserved.stdout.contains("replicated to dc1.contoso.com"),
        "{}",
        reserved.stdout
    );
    let r = on_partner(
        args(
            &url,
            &token,
            &[
                "reservation",
                "list",
                "--server",
                "dc1.contoso.com",
                "--scope",
                "10.0.0.0",
            ],
        ),
        "10.0.0.40",
    )
    .await;
    assert_eq!(r["client_id"], "02-00-00-00-01-28");
    assert_eq!(r["name"], "laptop40");
    let none = run(&[
        "lease",
        "reserve",
        "--server",
        "dhcp1.contoso.com",
        "--ip",
        "10.0.0.77",
    ])
    .await;
    assert_eq!(none.code, 1, "{}", none.stdout);

    let deleted = run(&[
        "lease",
        "delete",
        "--server",
        "dhcp1.contoso.com",
        "--ip",
        "10.0.0.40",
    ])
    .await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert_eq!(
        deleted.stdout.trim(),
        "1 deleted on dhcp1.contoso.com, 1 on dc1.contoso.com"
    );
    let wrong = run(&[
        "lease",
        "clear",
        "--server",
        "dc1.contoso.com",
        "--scope",
        "10.0.0.0",
        "--confirm",
        "yes",
    ])
    .await;
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    assert!(wrong.stderr.contains("confirm"), "{}", wrong.stderr);
    let cleared = run(&[
        "--output",
        "json",
        "lease",
        "clear",
        "--server",
        "dc1.contoso.com",
        "--scope",
        "10.0.0.0",
        "--confirm",
        "10.0.0.0",
    ])
    .await;
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    let out: serde_json::Value = serde_json::from_str(&cleared.stdout).unwrap();
    assert_eq!(
        (out["deleted"].as_u64(), out["partner_deleted"].as_u64()),
        (Some(1), Some(1))
    );
    for b in &started.builtin {
        assert!(b.server.snapshot().await.leases.is_empty(), "{}", b.name);
    }
}
