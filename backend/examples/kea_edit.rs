//! Benchmark: a reservation created through Tandem on a Kea pair (what the portal's server
//! function calls: checked, written to the first server, replicated to its partner, both
//! re-read and recorded), until it is on both servers, against two raw `config-set` round
//! trips (one per server, the least any tool must do) measured in the same run, with 10, 1 000
//! and 10 000 reservations in the subnet. Run by `scripts/bench-kea.sh`, which starts the pair.
//!   kea_edit <kea1-name> <kea1-url> <kea2-name> <kea2-url> [edits]

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tandem_backend::store::Store;
use tandem_backend::{Caller, Tandem};
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
        .expect("the control agent answers")
        .json()
        .await
        .expect("JSON");
    let first = answer.into_iter().next().expect("one answer");
    assert_eq!(first["result"], 0, "{command}: {first}");
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

/// Each server's configuration with the benchmark subnet holding `count` reservations.
fn with_subnet(config: &Value, count: u32) -> Value {
    let mut config = config.clone();
    let reservations: Vec<Value> = (0..count)
        .map(|n| json!({ "ip-address": address(n), "hw-address": mac(n), "hostname": format!("host{n}") }))
        .collect();
    config["subnet4"] = json!([{
        "id": 20, "subnet": "10.20.0.0/16",
        "pools": [ { "pool": "10.20.0.10 - 10.20.255.200" } ],
        "reservations": reservations,
    }]);
    config
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(
        args.len() >= 5,
        "usage: kea_edit <kea1-name> <kea1-url> <kea2-name> <kea2-url> [edits]"
    );
    let names = [&args[1], &args[3]].map(|n| ServerName::parse(n).expect("a server name"));
    let urls = [args[2].clone(), args[4].clone()];
    let edits: u32 = args.get(5).map_or(20, |e| e.parse().expect("a number"));
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
    let scope = ScopeId::parse("10.20.0.0").expect("a scope ID");
    println!(
        "reservations | Tandem edit on both p50 / p95 ms | two raw config-set p50 / p95 ms | ratio (p50)"
    );
    let sizes: Vec<u32> = std::env::var("KEA_BENCH_SIZES")
        .unwrap_or_else(|_| "10,1000,10000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("a number of reservations"))
        .collect();
    for count in sizes {
        let mut configs = Vec::new();
        for url in &urls {
            let running = kea(&client, url, "config-get", None).await["Dhcp4"].clone();
            let config = with_subnet(&running, count);
            kea(
                &client,
                url,
                "config-set",
                Some(json!({ "Dhcp4": config.clone() })),
            )
            .await;
            configs.push(config);
        }
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

            // The same growth, raw: one config-set per server, nothing else (with Tandem's
            // edits kept in, so that neither undoes the other).
            for config in &mut configs {
                let list = config["subnet4"][0]["reservations"]
                    .as_array_mut()
                    .expect("reservations");
                list.push(json!({ "ip-address": address(n), "hw-address": mac(n), "hostname": format!("bench{n}") }));
                list.push(
                    json!({ "ip-address": address(n + edits), "hw-address": mac(n + edits) }),
                );
            }
            let start = Instant::now();
            for (url, config) in urls.iter().zip(&configs) {
                kea(&client, url, "config-set", Some(json!({ "Dhcp4": config }))).await;
            }
            raw_times.push(start.elapsed());
        }
        // Both servers have every edit, asked directly.
        for url in &urls {
            let config = kea(&client, url, "config-get", None).await;
            let have = config["Dhcp4"]["subnet4"][0]["reservations"]
                .as_array()
                .expect("reservations")
                .len();
            assert_eq!(have as u32, count + 2 * edits, "{url}");
        }
        tandem_times.sort();
        raw_times.sort();
        let (t50, t95) = (
            percentile(&tandem_times, 0.5),
            percentile(&tandem_times, 0.95),
        );
        let (r50, r95) = (percentile(&raw_times, 0.5), percentile(&raw_times, 0.95));
        println!(
            "{count:>12} | {t50:>8.1} / {t95:>8.1} | {r50:>8.1} / {r95:>8.1} | {:.1}x",
            t50 / r50
        );
    }
}
