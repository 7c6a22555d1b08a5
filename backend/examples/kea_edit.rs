//! Benchmark: a reservation created through Tandem on a Kea pair (what the portal's server
//! function calls: checked, written to the first server, replicated to its partner, both
//! re-read and recorded), until it is on both servers, against the raw commands that write the
//! same thing (measured in the same run), with 10, 1 000 and 10 000 reservations in the subnet;
//! and, where the server has the subnet commands, a scope edit on both (with Tandem in step
//! with the servers, and right after a change made behind its back on both) against raw
//! `subnet4-update`s. The raw commands are the ones Tandem uses on that server:
//! - host commands, hosts database: `reservation-add` on each server;
//! - host commands, configuration file: `reservation-add` and `config-write` on each;
//! - neither (Kea 2.2): a `config-set` on each (Tandem also waits, between the partners, for
//!   the written one to serve again; raw, the two are out of service together).
//!
//! Run by `scripts/bench-kea.sh`, which starts each kind of pair.
//!   kea_edit <label> <kea1-name> <kea1-url> <kea2-name> <kea2-url> [edits]

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tandem_backend::driver::Drivers;
use tandem_backend::driver::kea::offer::Hosts;
use tandem_backend::store::Store;
use tandem_backend::{Caller, Tandem};
use tandem_core::scope_input::ScopeInput;
use tandem_core::validate::NewReservation;
use tandem_core::{ScopeId, ServerName};

async fn kea(client: &reqwest::Client, url: &str, command: &str, args: Option<Value>) -> Value {
    let mut body = json!({ "command": command, "service": ["dhcp4"] });
    if let Some(a) = args {
        body["arguments"] = a;
    }
    let answer: Vec<Value> = client
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the control channel answers")
        .json()
        .await
        .expect("JSON");
    let first = answer.into_iter().next().expect("one answer");
    assert!(
        first["result"] == 0 || first["result"] == 3,
        "{command}: {first}"
    );
    first.get("arguments").cloned().unwrap_or(Value::Null)
}

/// The `n`-th address of the benchmark subnet 10.20.0.0/16, from 10.20.0.10 on.
fn address(n: u32) -> String {
    let a = 10 + n;
    format!("10.20.{}.{}", a / 256, a % 256)
}

fn mac(n: u32) -> String {
    let b = n.to_be_bytes();
    format!("52:54:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3])
}

fn host(n: u32, name: &str) -> Value {
    json!({ "ip-address": address(n), "hw-address": mac(n), "hostname": format!("{name}{n}") })
}

/// A configuration with the benchmark subnet holding reservations `0..count` (none where the
/// server keeps them in a database).
fn with_subnet(config: &Value, count: u32, in_file: bool) -> Value {
    let mut config = config.clone();
    let reservations: Vec<Value> = if in_file {
        (0..count).map(|n| host(n, "host")).collect()
    } else {
        Vec::new()
    };
    config["subnet4"] = json!([{
        "id": 20, "subnet": "10.20.0.0/16",
        "pools": [ { "pool": "10.20.200.0 - 10.20.255.200" } ],
        "reservations": reservations,
    }]);
    config
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn p50_p95(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "{:>7.1} / {:>7.1}",
        percentile(times, 0.5),
        percentile(times, 0.95)
    )
}

/// Waits until both servers serve in load-balancing again.
async fn wait_normal(client: &reqwest::Client, urls: &[String; 2]) {
    for _ in 0..600 {
        let mut all = true;
        for url in urls {
            let state = kea(client, url, "ha-heartbeat", None).await["state"].clone();
            all &= state == "load-balancing";
        }
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the pair did not return to load-balancing");
}

/// A scope edit through Tandem, as Scope Properties makes it (the scope as the server has it
/// now, read before): how long until it is on both servers.
async fn scope_edit(
    t: &Tandem,
    caller: &Caller,
    server: &ServerName,
    scope: ScopeId,
    name: &str,
) -> Duration {
    let current = t.get_scope(caller, server, scope).await.expect("the scope");
    let mut input = ScopeInput::of(&current);
    input.name = name.into();
    let start = Instant::now();
    let outcome = t
        .update_scope(caller, server, scope, &current.properties_version(), &input)
        .await
        .expect("edited");
    let took = start.elapsed();
    assert!(!outcome.replication.is_failure(), "{outcome:?}");
    took
}

/// The same edit raw on both servers: `subnet4-get`, `subnet4-update`, `config-write` each.
async fn raw_scope_edit(client: &reqwest::Client, urls: &[String; 2], name: &str) {
    for url in urls {
        let mut subnet =
            kea(client, url, "subnet4-get", Some(json!({ "id": 20 }))).await["subnet4"][0].clone();
        subnet["user-context"]["name"] = json!(name);
        kea(
            client,
            url,
            "subnet4-update",
            Some(json!({ "subnet4": [subnet] })),
        )
        .await;
        kea(client, url, "config-write", None).await;
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(
        args.len() >= 6,
        "usage: kea_edit <label> <kea1-name> <kea1-url> <kea2-name> <kea2-url> [edits]"
    );
    let label = &args[1];
    let names = [&args[2], &args[4]].map(|n| ServerName::parse(n).expect("a server name"));
    let urls = [args[3].clone(), args[5].clone()];
    let edits: u32 = args.get(6).map_or(20, |e| e.parse().expect("a number"));
    let client = reqwest::Client::new();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let t = Tandem::new(Store::connect(&url).await.expect("the database"));
    let caller = Caller::local("bench");
    for (name, url) in names.iter().zip(&urls) {
        t.add_kea_server(&caller, name, url, &Default::default())
            .await
            .expect("registered");
    }
    let probe = Drivers::new().kea(&names[0], &urls[0]);
    let offer = probe.offer().await.expect("the offer");
    let hosts = probe.hosts().await.expect("where hosts live");
    let commands = offer.host_commands();
    let in_file = hosts == Hosts::File;
    let raw = match (commands, in_file) {
        (true, false) => "reservation-add",
        (true, true) => "reservation-add, config-write",
        (false, _) => "config-set",
    };
    let scope = ScopeId::parse("10.20.0.0").expect("a scope ID");
    let sizes: Vec<u32> = std::env::var("KEA_BENCH_SIZES")
        .unwrap_or_else(|_| "10,1000,10000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("a number of reservations"))
        .collect();
    let mut have = 0;
    for count in sizes {
        // The subnet with `count` reservations on both servers (a database grows to it).
        let mut configs = Vec::new();
        for url in &urls {
            let running = kea(&client, url, "config-get", None).await["Dhcp4"].clone();
            let config = with_subnet(&running, count, in_file);
            if in_file || have == 0 {
                kea(
                    &client,
                    url,
                    "config-set",
                    Some(json!({ "Dhcp4": config.clone() })),
                )
                .await;
            }
            configs.push(config);
        }
        if !in_file {
            // Present: 0..have (the last size's and its edits'); missing: have..count.
            use futures::StreamExt;
            for url in &urls {
                futures::stream::iter(have..count)
                    .map(|n| {
                        let mut h = host(n, "host");
                        h["subnet-id"] = json!(20);
                        kea(
                            &client,
                            url,
                            "reservation-add",
                            Some(json!({ "reservation": h, "operation-target": "database" })),
                        )
                    })
                    .buffer_unordered(16)
                    .collect::<Vec<_>>()
                    .await;
            }
        }
        wait_normal(&client, &urls).await;
        // Tandem reads the new subnet once before the edits (its look after an outside change).
        t.check_drift(&caller).await.expect("a look");
        let mut tandem_times = Vec::new();
        let mut raw_times = Vec::new();
        for k in 0..edits {
            let n = count + k;
            let new = NewReservation {
                ip_address: address(n),
                client_id: mac(n).replace(':', "-"),
                name: format!("bench{n}"),
                ..Default::default()
            };
            let start = Instant::now();
            let outcome = t
                .create_reservation(&caller, &names[0], scope, &new)
                .await
                .expect("created");
            tandem_times.push(start.elapsed());
            assert!(!outcome.replication.is_failure(), "{outcome:?}");

            // The same growth, raw, with the commands Tandem uses on this server.
            let other = n + edits;
            let start = Instant::now();
            if commands {
                for url in &urls {
                    let mut h = host(other, "raw");
                    h["subnet-id"] = json!(20);
                    let target = if in_file { "memory" } else { "database" };
                    kea(
                        &client,
                        url,
                        "reservation-add",
                        Some(json!({ "reservation": h, "operation-target": target })),
                    )
                    .await;
                    if in_file {
                        kea(&client, url, "config-write", None).await;
                    }
                }
            } else {
                for config in &mut configs {
                    let list = config["subnet4"][0]["reservations"]
                        .as_array_mut()
                        .expect("reservations");
                    list.push(host(n, "bench"));
                    list.push(host(other, "raw"));
                }
                for (url, config) in urls.iter().zip(&configs) {
                    kea(&client, url, "config-set", Some(json!({ "Dhcp4": config }))).await;
                }
            }
            raw_times.push(start.elapsed());
            if !commands {
                // Raw config-sets left both restarting: let them serve before the next edit.
                wait_normal(&client, &urls).await;
            }
        }
        have = count + 2 * edits;
        // Both servers have every edit, asked directly.
        for url in &urls {
            let n = if commands {
                let hosts = kea(
                    &client,
                    url,
                    "reservation-get-all",
                    Some(json!({ "subnet-id": 20 })),
                )
                .await;
                hosts["hosts"].as_array().expect("hosts").len()
            } else {
                let config = kea(&client, url, "config-get", None).await;
                config["Dhcp4"]["subnet4"][0]["reservations"]
                    .as_array()
                    .expect("reservations")
                    .len()
            };
            assert_eq!(n as u32, count + 2 * edits, "{url}");
        }
        // A scope edit on both, where the subnet commands make it cheap: edits through Tandem
        // back to back (its inventory in step with both servers), the same edits raw, then
        // each Tandem edit right after one made behind its back on both servers (which moves
        // their configuration hashes: Tandem reads them again, and records what changed).
        let scope_edits = if offer.subnet_commands() {
            let mut in_step = Vec::new();
            let mut after_outside = Vec::new();
            let mut raw_scope = Vec::new();
            for k in 0..edits {
                in_step
                    .push(scope_edit(&t, &caller, &names[0], scope, &format!("bench {k}")).await);
            }
            for k in 0..edits {
                let start = Instant::now();
                raw_scope_edit(&client, &urls, &format!("raw {k}")).await;
                raw_scope.push(start.elapsed());
            }
            for k in 0..edits {
                raw_scope_edit(&client, &urls, &format!("outside {k}")).await;
                after_outside
                    .push(scope_edit(&t, &caller, &names[0], scope, &format!("after {k}")).await);
            }
            format!(
                "{} | {} | {}",
                p50_p95(&mut in_step),
                p50_p95(&mut after_outside),
                p50_p95(&mut raw_scope)
            )
        } else {
            "      - |       - |       -".into()
        };
        println!(
            "{label:<22} | {count:>6} | {} | {} | {raw} | {scope_edits}",
            p50_p95(&mut tandem_times),
            p50_p95(&mut raw_times)
        );
    }
}
