//! The patches, on Kea entries written the way operators write them.

use super::*;
use tandem_core::{IpRange, MacAddress, OptionValue, ScopeState};

fn read(raw: &Value) -> Scope {
    mapping::scope_of(raw, Within::default()).unwrap()
}

/// An edit: the scope as read, changed, saying nothing of what the model leaves out.
fn edit(raw: &Value, change: impl FnOnce(&mut Scope)) -> Result<Value, FieldErrors> {
    let mut s = read(raw);
    s.kept = None;
    change(&mut s);
    subnet(raw, Within::default(), &s, true)
}

fn ip_range(a: &str, b: &str) -> IpRange {
    IpRange::new(a.parse().unwrap(), b.parse().unwrap()).unwrap()
}

/// The keys of `after` that differ from `before`'s, with their new values.
fn changed(before: &Value, after: &Value) -> Vec<String> {
    let (b, a) = (before.as_object().unwrap(), after.as_object().unwrap());
    let mut keys: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
        .collect();
    keys.sort();
    keys
}

fn operator_subnet() -> Value {
    json!({
        "id": 1, "subnet": "10.0.0.0/24", "valid-lifetime": 3600,
        "min-valid-lifetime": 1800, "max-valid-lifetime": 3600,
        "relay": { "ip-addresses": ["10.0.0.1"] },
        "pools": [
            { "pool": "10.0.0.10 - 10.0.0.99",
              "option-data": [ { "name": "domain-name-servers", "data": "10.0.0.53" } ] },
            { "pool": "10.0.0.100-10.0.0.149", "client-class": "printers" }
        ],
        "option-data": [
            { "name": "domain-name", "data": "example.org", "always-send": true },
            { "name": "routers", "data": "10.0.0.1" }
        ],
        "reservations": [
            { "hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "10.0.0.5", "hostname": "pxe",
              "next-server": "10.0.0.2", "boot-file-name": "pxelinux.0",
              "client-classes": ["printers"],
              "option-data": [ { "name": "domain-name-servers", "data": "10.0.0.54" } ],
              "user-context": { "owner": "ops" } },
            { "client-id": "01:aa:bb:cc:dd:ee:02", "ip-address": "10.0.0.6" }
        ]
    })
}

#[test]
fn a_description_edit_changes_the_user_context_alone() {
    let raw = operator_subnet();
    let after = edit(&raw, |s| s.description = "Head office".into()).unwrap();
    assert_eq!(changed(&raw, &after), ["user-context"]);
    assert_eq!(
        after["user-context"],
        json!({ "description": "Head office" })
    );
    let back = edit(&after, |s| s.description.clear()).unwrap();
    assert_eq!(back, raw, "emptied again, the context Tandem added goes");
}

#[test]
fn an_unchanged_scope_is_written_back_byte_for_byte() {
    let raw = operator_subnet();
    assert_eq!(edit(&raw, |_| {}).unwrap(), raw);
    let mut replicated = read(&raw);
    replicated.kept = read(&raw).kept;
    assert_eq!(
        subnet(&raw, Within::default(), &replicated, true).unwrap(),
        raw
    );
}

#[test]
fn a_lease_duration_moves_the_bound_that_followed_it_and_respects_the_other() {
    let raw = operator_subnet();
    let after = edit(&raw, |s| s.lease_duration_secs = 7200).unwrap();
    assert_eq!(after["valid-lifetime"], 7200);
    assert_eq!(
        after["max-valid-lifetime"], 7200,
        "it was the lifetime itself"
    );
    assert_eq!(after["min-valid-lifetime"], 1800, "kept");
    let refused = edit(&raw, |s| s.lease_duration_secs = 600).unwrap_err();
    assert_eq!(refused.0[0].field, "lease_duration_secs");
    assert!(
        refused.0[0].message.contains("min-valid-lifetime of 1800"),
        "{refused:?}"
    );
}

#[test]
fn pools_keep_their_own_settings_through_range_and_exclusion_changes() {
    let raw = operator_subnet();
    // An exclusion cutting the first pool: both pieces keep its DNS option.
    let after = edit(&raw, |s| {
        s.exclusions.push(ip_range("10.0.0.50", "10.0.0.59"))
    })
    .unwrap();
    assert_eq!(changed(&raw, &after), ["pools"]);
    let pools = after["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 3);
    assert_eq!(pools[0]["pool"], "10.0.0.10-10.0.0.49");
    assert_eq!(pools[1]["pool"], "10.0.0.60-10.0.0.99");
    assert_eq!(pools[0]["option-data"], raw["pools"][0]["option-data"]);
    assert_eq!(pools[1]["option-data"], raw["pools"][0]["option-data"]);
    assert_eq!(pools[2], raw["pools"][1], "the printers' pool untouched");
    // And removed again: the two pieces are one pool as before.
    let back = edit(&after, |s| s.exclusions.clear()).unwrap();
    assert_eq!(back["pools"][0]["pool"], "10.0.0.10-10.0.0.99");
    assert_eq!(back["pools"].as_array().unwrap().len(), 2);
    // The range grown at its end: the printers' pool takes the new addresses.
    let grown = edit(&raw, |s| s.range = ip_range("10.0.0.10", "10.0.0.160")).unwrap();
    assert_eq!(grown["pools"][1]["pool"], "10.0.0.100-10.0.0.160");
    assert_eq!(grown["pools"][1]["client-class"], "printers");
    assert_eq!(grown["pools"][0], raw["pools"][0]);
}

#[test]
fn pools_with_different_settings_are_never_merged_nor_emptied() {
    let mut raw = operator_subnet();
    raw["pools"][1]["pool"] = json!("10.0.0.110-10.0.0.149");
    let s = read(&raw);
    assert_eq!(s.exclusions, vec![ip_range("10.0.0.100", "10.0.0.109")]);
    let merged = edit(&raw, |s| s.exclusions.clear()).unwrap_err();
    assert_eq!(merged.0[0].field, "exclusions");
    assert!(
        merged.0[0].message.contains("would become one pool"),
        "{merged:?}"
    );
    let emptied = edit(&raw, |s| s.range = ip_range("10.0.0.10", "10.0.0.99")).unwrap_err();
    assert_eq!(emptied.0[0].field, "end");
    assert!(emptied.0[0].message.contains("printers"), "{emptied:?}");
}

#[test]
fn options_keep_their_flags_and_names() {
    let raw = operator_subnet();
    let after = edit(&raw, |s| {
        s.options
            .insert(15, OptionValue::Text("example.net".into()));
        s.options.insert(
            42,
            OptionValue::Addresses(vec!["10.0.0.3".parse().unwrap()]),
        );
        s.options.remove(&3);
    })
    .unwrap();
    assert_eq!(changed(&raw, &after), ["option-data"]);
    assert_eq!(
        after["option-data"],
        json!([
            { "name": "domain-name", "data": "example.net", "always-send": true },
            { "code": 42, "data": "10.0.0.3" }
        ])
    );
}

#[test]
fn an_option_held_in_a_form_tandem_does_not_edit_is_not_doubled() {
    let mut raw = operator_subnet();
    raw["option-data"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "code": 121, "data": "10.229.0.128/25 - 10.229.0.1" }));
    let s = read(&raw);
    assert!(!s.options.contains_key(&121), "Kea's internal type: kept");
    let refused = edit(&raw, |s| {
        s.options.insert(121, OptionValue::Hex("0A".into()));
    })
    .unwrap_err();
    assert_eq!(refused.0[0].field, "options");
    assert_eq!(edit(&raw, |_| {}).unwrap(), raw, "and kept as it is");
}

#[test]
fn raw_hex_and_typed_fields_are_shown_and_written_as_kea_holds_them() {
    let mut raw = operator_subnet();
    let list = raw["option-data"].as_array_mut().unwrap();
    list.push(json!({ "code": 43, "data": "01:04:c0:a8:00:01", "csv-format": false }));
    list.push(json!({ "name": "domain-search", "data": "example.com,example.org" }));
    let s = read(&raw);
    assert_eq!(s.options[&43], OptionValue::Hex("0104C0A80001".into()));
    assert_eq!(
        s.options[&119],
        OptionValue::Data("example.com, example.org".into())
    );
    assert_eq!(edit(&raw, |_| {}).unwrap(), raw, "unchanged: not rewritten");
    let after = edit(&raw, |s| {
        s.options.insert(43, OptionValue::Hex("0105".into()));
        s.options
            .insert(119, OptionValue::data("example.net, example.org"));
    })
    .unwrap();
    let list = after["option-data"].as_array().unwrap();
    assert!(list.contains(&json!({ "code": 43, "data": "0105", "csv-format": false })));
    assert!(list.contains(&json!({ "name": "domain-search", "data": "example.net, example.org" })));
    assert_eq!(
        after["user-context"].get("option-kinds"),
        raw["user-context"].get("option-kinds")
    );
    // Hex given as typed fields again: `csv-format` goes with it.
    let typed = edit(&raw, |s| {
        s.options.insert(43, OptionValue::data(""));
    })
    .unwrap();
    assert!(
        typed["option-data"]
            .as_array()
            .unwrap()
            .contains(&json!({ "code": 43, "data": "" }))
    );
    assert_eq!(read(&typed).options[&43], OptionValue::Data(String::new()));
}

#[test]
fn a_reservation_edit_keeps_the_hosts_other_fields() {
    let raw = operator_subnet();
    let after = edit(&raw, |s| {
        let r = &mut s.reservations[0];
        r.name = "pxe-2".into();
        r.description = "lab".into();
    })
    .unwrap();
    assert_eq!(changed(&raw, &after), ["reservations"]);
    let host = &after["reservations"][0];
    assert_eq!(host["hostname"], "pxe-2");
    assert_eq!(host["boot-file-name"], "pxelinux.0");
    assert_eq!(host["next-server"], "10.0.0.2");
    assert_eq!(host["client-classes"], json!(["printers"]));
    assert_eq!(host["option-data"], raw["reservations"][0]["option-data"]);
    assert_eq!(
        host["user-context"],
        json!({ "owner": "ops", "description": "lab" })
    );
    assert_eq!(
        after["reservations"][1], raw["reservations"][1],
        "client-id host kept"
    );
    // Moved to another address, the same host moves.
    let moved = edit(&raw, |s| {
        s.reservations[0].ip_address = "10.0.0.7".parse().unwrap()
    })
    .unwrap();
    assert_eq!(moved["reservations"][0]["ip-address"], "10.0.0.7");
    assert_eq!(moved["reservations"][0]["boot-file-name"], "pxelinux.0");
    // A new one carries what it says, and no empty context.
    let added = edit(&raw, |s| {
        s.reservations.push(tandem_core::Reservation {
            ip_address: "10.0.0.8".parse().unwrap(),
            client_id: MacAddress::parse("001122334455").unwrap().into(),
            name: String::new(),
            description: String::new(),
            kind: ReservationType::Both,
            settings: Default::default(),
        })
    })
    .unwrap();
    assert_eq!(
        added["reservations"][2],
        json!({ "ip-address": "10.0.0.8", "hw-address": "00:11:22:33:44:55" })
    );
}

#[test]
fn a_replication_makes_the_partners_kept_settings_the_sources() {
    let source = operator_subnet();
    let mut partner = operator_subnet();
    partner["id"] = json!(7);
    partner["pools"][1]
        .as_object_mut()
        .unwrap()
        .remove("client-class");
    partner["relay"] = json!({ "ip-addresses": ["10.0.0.254"] });
    partner["reservations"][0]["boot-file-name"] = json!("old.efi");
    partner["reservations"][1]["client-id"] = json!("01:aa:bb:cc:dd:ee:03");
    partner["option-data"][0]
        .as_object_mut()
        .unwrap()
        .remove("always-send");
    let copy = read(&source);
    let after = subnet(&partner, Within::default(), &copy, true).unwrap();
    assert_eq!(after["id"], 7, "the partner's subnet ID stays");
    let mut expected = source.clone();
    expected["id"] = json!(7);
    assert_eq!(read(&after), read(&expected));
    assert_eq!(after["pools"][1]["client-class"], "printers");
    assert_eq!(after["relay"], source["relay"]);
    assert_eq!(after["reservations"][0]["boot-file-name"], "pxelinux.0");
    assert_eq!(after["option-data"][0]["always-send"], true);
}

#[test]
fn an_inactive_scope_keeps_its_pools_aside_until_active_again() {
    let raw = operator_subnet();
    let off = edit(&raw, |s| s.state = ScopeState::Inactive).unwrap();
    assert_eq!(off["pools"], json!([]));
    assert_eq!(off["user-context"]["pools"], raw["pools"]);
    let s = read(&off);
    assert_eq!(s.state, ScopeState::Inactive);
    assert_eq!(s.range, read(&raw).range);
    let on = edit(&off, |s| s.state = ScopeState::Active).unwrap();
    assert_eq!(on, raw);
}

#[test]
fn a_reservation_moved_with_what_is_kept_of_it_keeps_its_fields() {
    let raw = operator_subnet();
    let mut s = read(&raw);
    let from: Ipv4Addr = "10.0.0.5".parse().unwrap();
    let to: Ipv4Addr = "10.0.0.9".parse().unwrap();
    s.reservations[0].ip_address = to;
    let kept = s.kept.as_mut().unwrap();
    let extras = kept.hosts.remove(&from).unwrap();
    kept.hosts.insert(to, extras);
    let after = subnet(&raw, Within::default(), &s, true).unwrap();
    assert_eq!(changed(&raw, &after), ["reservations"]);
    let host = &after["reservations"][0];
    assert_eq!(host["ip-address"], "10.0.0.9");
    assert_eq!(host["boot-file-name"], "pxelinux.0", "{after}");
}

#[test]
fn a_reservations_own_options_are_edited_in_place_with_their_flags_and_names() {
    let mut raw = operator_subnet();
    raw["reservations"][0]["option-data"] = json!([
        { "name": "domain-name-servers", "data": "10.0.0.54", "always-send": true },
        { "space": "vendor-4491", "code": 2, "data": "10.0.0.2" }
    ]);
    let read_back = read(&raw);
    let options = &read_back.reservations[0].settings.options;
    assert_eq!(
        options[&6],
        OptionValue::Addresses(vec!["10.0.0.54".parse().unwrap()])
    );
    assert_eq!(options.len(), 1, "a vendor option is kept, not shown");
    // A new value goes into the entry, keeping its name and flag; a new option is added by
    // code; the vendor option stays.
    let after = edit(&raw, |s| {
        let o = &mut s.reservations[0].settings.options;
        o.insert(
            6,
            OptionValue::Addresses(vec!["10.0.0.55".parse().unwrap()]),
        );
        o.insert(66, OptionValue::Text("tftp.example.org".into()));
        o.insert(
            150,
            OptionValue::Addresses(vec!["10.0.0.9".parse().unwrap()]),
        );
    })
    .unwrap();
    let host = &after["reservations"][0];
    assert_eq!(
        host["option-data"],
        json!([
            { "name": "domain-name-servers", "data": "10.0.0.55", "always-send": true },
            { "space": "vendor-4491", "code": 2, "data": "10.0.0.2" },
            { "code": 66, "data": "tftp.example.org" },
            { "code": 150, "data": "10.0.0.9" }
        ])
    );
    // Option 150's kind is recorded beside Tandem's other keys (its text alone reads as
    // addresses anyway, so nothing is needed); a number that must stay text is recorded.
    assert_eq!(host["user-context"], json!({ "owner": "ops" }));
    let texted = edit(&raw, |s| {
        let o = &mut s.reservations[0].settings.options;
        o.insert(160, OptionValue::Text("42".into()));
    })
    .unwrap();
    let host = &texted["reservations"][0];
    assert_eq!(
        host["user-context"],
        json!({ "owner": "ops", "option-kinds": { "160": "Text" } })
    );
    assert_eq!(
        read(&texted).reservations[0].settings.options[&160],
        OptionValue::Text("42".into())
    );
    // Removed: its entry goes, the vendor option stays.
    let removed = edit(&raw, |s| s.reservations[0].settings.options.clear()).unwrap();
    assert_eq!(
        removed["reservations"][0]["option-data"],
        json!([{ "space": "vendor-4491", "code": 2, "data": "10.0.0.2" }])
    );
    // A replication makes the partner host's flags and unshown options the source's.
    let mut partner = raw.clone();
    partner["reservations"][0]["option-data"] =
        json!([{ "name": "domain-name-servers", "data": "10.0.0.54" }]);
    let copy = read(&raw);
    let replicated = subnet(&partner, Within::default(), &copy, true).unwrap();
    assert_eq!(read(&replicated), read(&raw));
    assert_eq!(
        replicated["reservations"][0]["option-data"][0]["always-send"],
        true
    );
}

#[test]
fn a_reservation_option_held_in_a_form_tandem_does_not_edit_is_not_doubled() {
    let mut raw = operator_subnet();
    raw["reservations"][0]["option-data"] =
        json!([{ "code": 121, "data": "10.229.0.128/25 - 10.229.0.1" }]);
    let refused = edit(&raw, |s| {
        s.reservations[0]
            .settings
            .options
            .insert(121, OptionValue::Hex("0A".into()));
    })
    .unwrap_err();
    assert!(refused.get("options").unwrap().contains("does not edit"));
}
