//! A subnet's pools, patched: when a scope's range, exclusions or state change, the pools are
//! cut again from the ones the server holds, each piece keeping the settings of the pool it
//! came from (its options, class, ID, context); a replicated copy's pools are the source's.
//! Refused on the field: a pool with settings of its own left without addresses, and two pools
//! whose settings differ made one.

use super::mapping;
use super::patch::{parsed, refuse};
use serde_json::{Map, Value, json};
use tandem_core::{FieldErrors, IpRange, Kept, Scope, ScopeState};

/// The pools with settings of their own that a kept copy names, by range.
fn pool_settings(kept: &Kept) -> Vec<(IpRange, String)> {
    kept.settings
        .iter()
        .filter_map(|(place, v)| {
            let range = mapping::pool_range(place.strip_prefix("pool ")?).ok()?;
            Some((range, v.clone()))
        })
        .collect()
}

fn sorted(list: &[IpRange]) -> Vec<IpRange> {
    let mut list = list.to_vec();
    list.sort();
    list.dedup();
    list
}

/// The field an address-coverage change came from, for an error on it.
fn coverage_field(current: &Scope, desired: &Scope) -> &'static str {
    if sorted(&current.exclusions) != sorted(&desired.exclusions) {
        "exclusions"
    } else if current.range.start() != desired.range.start() {
        "start"
    } else if current.range.end() != desired.range.end() {
        "end"
    } else {
        "state"
    }
}

/// The subnet's pools made to cover `desired`'s range less its exclusions, when they or the
/// state changed (or, for a replicated copy, the pools' own settings): Kea has no inactive
/// subnet, so an inactive scope keeps no pool and its pools wait in the context.
pub(super) fn patch(
    raw: &Value,
    out: &mut Map<String, Value>,
    ctx: &mut Map<String, Value>,
    current: &Scope,
    desired: &Scope,
) -> Result<(), FieldErrors> {
    let moved = desired.range != current.range
        || sorted(&desired.exclusions) != sorted(&current.exclusions)
        || desired.state != current.state;
    let wanted = desired.kept.as_ref().map(pool_settings);
    let differ = wanted
        .as_ref()
        .is_some_and(|w| current.kept.as_ref().map(pool_settings).as_ref() != Some(w));
    if !moved && !differ {
        return Ok(());
    }
    let old = mapping::pool_entries(raw).to_vec();
    let coverage = mapping::pools_of(desired.range, &desired.exclusions);
    let entries = match &wanted {
        Some(settings) => pools_as(&coverage, settings, &old),
        None => repool(&old, &coverage, coverage_field(current, desired))?,
    };
    for key in ["range", "exclusions"] {
        ctx.remove(key);
    }
    match desired.state {
        ScopeState::Active => {
            out.insert("pools".into(), Value::Array(entries));
            ctx.remove("pools");
            ctx.remove("state");
        }
        // Kea has no inactive subnet: it keeps no pool, and the pools wait in the context.
        ScopeState::Inactive => {
            out.insert("pools".into(), json!([]));
            ctx.insert("pools".into(), Value::Array(entries));
            ctx.insert("state".into(), json!("Inactive"));
        }
    }
    Ok(())
}

fn bounds(r: IpRange) -> (u64, u64) {
    (
        u64::from(u32::from(r.start())),
        u64::from(u32::from(r.end())),
    )
}

fn range(a: u64, b: u64) -> IpRange {
    IpRange::new((a as u32).into(), (b as u32).into()).expect("a <= b")
}

/// A pool entry for `r`: `entry` itself where it already covers exactly `r`, else a copy of it
/// over `r`.
fn entry_over(entry: &Value, r: IpRange) -> Value {
    let same = entry
        .get("pool")
        .and_then(Value::as_str)
        .and_then(|p| mapping::pool_range(p).ok())
        == Some(r);
    if same {
        return entry.clone();
    }
    let mut e = entry.clone();
    e["pool"] = json!(format!("{}-{}", r.start(), r.end()));
    e
}

/// The pools that cover `coverage`, made from the server's pools (`old`): each pool keeps its
/// settings on the addresses it still covers (split in pieces where an exclusion now cuts
/// it); new addresses join the pool next to them, or a new plain pool; two pools that new
/// addresses would join are one pool only if their settings are the same.
fn repool(old: &[Value], coverage: &[IpRange], field: &str) -> Result<Vec<Value>, FieldErrors> {
    struct Piece {
        start: u64,
        end: u64,
        from: Option<usize>,
    }
    let ranges: Vec<(u64, u64)> = old
        .iter()
        .filter_map(|e| e.get("pool").and_then(Value::as_str))
        .filter_map(|p| mapping::pool_range(p).ok())
        .map(bounds)
        .collect();
    let settings: Vec<Option<String>> = old.iter().map(mapping::pool_settings).collect();
    let mut pieces = Vec::new();
    for (i, &(s, e)) in ranges.iter().enumerate() {
        let before = pieces.len();
        for c in coverage.iter().map(|c| bounds(*c)) {
            let (a, b) = (s.max(c.0), e.min(c.1));
            if a <= b {
                pieces.push(Piece {
                    start: a,
                    end: b,
                    from: Some(i),
                });
            }
        }
        if pieces.len() == before
            && let Some(own) = &settings[i]
        {
            return Err(refuse(
                field,
                format!(
                    "pool {} has settings of its own on the server ({own}) and would be left with no address: keep part of it in the range, or change it on the server first",
                    range(s, e)
                ),
            ));
        }
    }
    pieces.sort_by_key(|p| p.start);
    // The addresses no old pool covers, in order.
    let mut uncovered = Vec::new();
    for c in coverage.iter().map(|c| bounds(*c)) {
        let mut next = c.0;
        // The gaps between the old pools inside this stretch, in order.
        let mut inside: Vec<(u64, u64)> = ranges
            .iter()
            .copied()
            .filter(|(s, e)| *e >= c.0 && *s <= c.1)
            .collect();
        inside.sort();
        for (s, e) in inside {
            if s > next {
                uncovered.push((next, s - 1));
            }
            next = next.max(e + 1);
        }
        if next <= c.1 {
            uncovered.push((next, c.1));
        }
        for (a, b) in uncovered.drain(..) {
            let left = pieces.iter().position(|p| p.end + 1 == a);
            let right = pieces.iter().position(|p| p.start == b + 1);
            let own = |p: &Piece| p.from.and_then(|i| settings[i].clone());
            match (left, right) {
                (None, None) => pieces.push(Piece {
                    start: a,
                    end: b,
                    from: None,
                }),
                (Some(l), None) => pieces[l].end = b,
                (None, Some(r)) => pieces[r].start = a,
                (Some(l), Some(r)) if own(&pieces[l]) == own(&pieces[r]) => {
                    pieces[l].end = pieces[r].end;
                    pieces.remove(r);
                }
                (Some(l), Some(r)) => {
                    let say = |p: &Piece| match own(p) {
                        Some(s) => format!("pool {} ({s})", range(p.start, p.end)),
                        None => format!("pool {} (no settings of its own)", range(p.start, p.end)),
                    };
                    return Err(refuse(
                        field,
                        format!(
                            "{} and {} would become one pool, and their settings on the server differ: keep the addresses between them excluded, or make their settings the same on the server first",
                            say(&pieces[l]),
                            say(&pieces[r])
                        ),
                    ));
                }
            }
            pieces.sort_by_key(|p| p.start);
        }
    }
    Ok(pieces
        .iter()
        .map(|p| {
            let r = range(p.start, p.end);
            match p.from {
                Some(i) => entry_over(&old[i], r),
                None => json!({ "pool": format!("{}-{}", r.start(), r.end()) }),
            }
        })
        .collect())
}

/// The pools of a replicated copy: `coverage` cut where the source has pools with settings of
/// their own (`settings`), each such pool as the source has it; the partner's own entries are
/// used where they already say the same.
fn pools_as(coverage: &[IpRange], settings: &[(IpRange, String)], old: &[Value]) -> Vec<Value> {
    let mut sorted = settings.to_vec();
    sorted.sort();
    let same_as_old = |r: IpRange, s: Option<&String>| {
        old.iter()
            .find(|e| {
                e.get("pool")
                    .and_then(Value::as_str)
                    .and_then(|p| mapping::pool_range(p).ok())
                    == Some(r)
                    && mapping::pool_settings(e).as_ref() == s
            })
            .cloned()
    };
    let plain = |a: u64, b: u64| {
        let r = range(a, b);
        same_as_old(r, None)
            .unwrap_or_else(|| json!({ "pool": format!("{}-{}", r.start(), r.end()) }))
    };
    let mut out = Vec::new();
    for c in coverage.iter().map(|c| bounds(*c)) {
        let mut next = c.0;
        for (r, s) in sorted.iter().filter(|(r, _)| {
            let (a, b) = bounds(*r);
            a >= c.0 && b <= c.1
        }) {
            let (a, b) = bounds(*r);
            if a < next {
                continue;
            }
            if a > next {
                out.push(plain(next, a - 1));
            }
            out.push(same_as_old(*r, Some(s)).unwrap_or_else(|| {
                let mut e = parsed(s);
                e["pool"] = json!(format!("{}-{}", r.start(), r.end()));
                e
            }));
            next = b + 1;
        }
        if next <= c.1 {
            out.push(plain(next, c.1));
        }
    }
    out
}
