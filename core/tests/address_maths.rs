//! Property tests for the address maths the scope rules rest on: a range inside its subnet,
//! overlapping subnets on one server, exclusions inside the range and apart from each other,
//! and the drift digest. Each property is checked against a plain restatement on integers.

use proptest::prelude::*;
use std::net::Ipv4Addr;
use tandem_core::validate::{scope_fits, scope_is_consistent};
use tandem_core::{IpRange, Scope, ScopeId, ScopeState};

fn scope(net: u32, prefix: u8, start: u32, end: u32, exclusions: Vec<IpRange>) -> Scope {
    Scope {
        id: ScopeId::from_addr(Ipv4Addr::from(net)),
        name: "prop".into(),
        description: String::new(),
        range: IpRange::new(start.into(), end.into()).unwrap(),
        prefix_len: prefix,
        lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
        state: ScopeState::Active,
        exclusions,
        options: Default::default(),
        reservations: vec![],
        kept: None,
    }
}

fn mask(prefix: u8) -> u32 {
    u32::MAX << (32 - u32::from(prefix))
}

fn fields(scope: &Scope) -> Vec<String> {
    match scope_is_consistent(scope) {
        Ok(()) => vec![],
        Err(e) => e.0.into_iter().map(|f| f.field).collect(),
    }
}

proptest! {
    #[test]
    fn a_range_is_accepted_exactly_when_both_ends_are_in_the_subnet(
        addr in any::<u32>(), prefix in 8u8..=30, a in any::<u32>(), b in any::<u32>(),
    ) {
        let net = addr & mask(prefix);
        // Ends near the subnet, sometimes just outside it.
        let size = 1u64 << (32 - prefix);
        let near = |x: u32| (u64::from(net) + u64::from(x) % (size + 16)).saturating_sub(8).min(u64::from(u32::MAX)) as u32;
        let (start, end) = { let (s, e) = (near(a), near(b)); (s.min(e), s.max(e)) };
        let inside = |ip: u32| ip & mask(prefix) == net;
        let refused = fields(&scope(net, prefix, start, end, vec![])).contains(&"range".to_string());
        prop_assert_eq!(refused, !(inside(start) && inside(end)));
    }

    #[test]
    fn ranges_overlap_exactly_when_they_share_an_address(
        a in any::<u32>(), b in any::<u32>(), c in any::<u32>(), d in any::<u32>(),
    ) {
        // Small numbers so that overlaps are common.
        let (a, b, c, d) = (a % 64, b % 64, c % 64, d % 64);
        let x = IpRange::new(a.min(b).into(), a.max(b).into()).unwrap();
        let y = IpRange::new(c.min(d).into(), c.max(d).into()).unwrap();
        let shared = (0u32..64).any(|ip| x.contains(ip.into()) && y.contains(ip.into()));
        prop_assert_eq!(x.overlaps(y), shared);
        prop_assert_eq!(x.overlaps(y), y.overlaps(x));
    }

    #[test]
    fn two_scopes_on_a_server_are_refused_exactly_when_their_subnets_overlap(
        a in any::<u32>(), pa in 16u8..=30, b in any::<u32>(), pb in 16u8..=30,
    ) {
        // Both inside 10.0.0.0/14, so that overlaps happen.
        let base = u32::from(Ipv4Addr::new(10, 0, 0, 0));
        let na = (base | (a & 0x3_ffff)) & mask(pa);
        let nb = (base | (b & 0x3_ffff)) & mask(pb);
        prop_assume!(na != nb);
        let first = scope(na, pa, na + 1, na + 2, vec![]);
        let second = scope(nb, pb, nb + 1, nb + 2, vec![]);
        let shared = {
            let (sa, ea) = (na, na | !mask(pa));
            let (sb, eb) = (nb, nb | !mask(pb));
            sa <= eb && sb <= ea
        };
        let refused = scope_fits(std::slice::from_ref(&first), &second).is_err();
        prop_assert_eq!(refused, shared);
    }

    #[test]
    fn exclusions_are_accepted_exactly_when_inside_the_range_and_apart(
        s1 in 0u32..300, l1 in 0u32..20, s2 in 0u32..300, l2 in 0u32..20,
    ) {
        // A /23 whose range is .10 to .1.250 (10 to 506 from the network address).
        let net = u32::from(Ipv4Addr::new(10, 8, 0, 0));
        let (start, end) = (net + 10, net + 506);
        let ex = |s: u32, l: u32| IpRange::new((net + s).into(), (net + s + l).into()).unwrap();
        let (x, y) = (ex(s1 * 2, l1), ex(s2 * 2, l2));
        let inside = |r: IpRange| u32::from(r.start()) >= start && u32::from(r.end()) <= end;
        let expected_ok = inside(x) && inside(y) && !x.overlaps(y);
        let got = fields(&scope(net, 23, start, end, vec![x, y]));
        prop_assert_eq!(got.is_empty(), expected_ok, "{:?}", got);
        prop_assert!(got.iter().all(|f| f == "exclusions"));
    }

    #[test]
    fn the_drift_digest_ignores_the_order_a_server_keeps(
        picks in proptest::collection::btree_set(0u32..50, 0..6), seed in any::<u64>(),
    ) {
        let net = u32::from(Ipv4Addr::new(10, 9, 0, 0));
        let exclusions: Vec<IpRange> = picks
            .iter()
            .map(|p| IpRange::new((net + 10 + p * 4).into(), (net + 11 + p * 4).into()).unwrap())
            .collect();
        let left = scope(net, 24, net + 10, net + 250, exclusions.clone());
        let mut shuffled = exclusions;
        // A fixed permutation from the seed.
        let n = shuffled.len();
        if n > 1 {
            shuffled.rotate_left((seed as usize) % n);
        }
        let right = scope(net, 24, net + 10, net + 250, shuffled);
        prop_assert_eq!(left.digest(), right.digest());
        prop_assert!(tandem_core::drift::differences(&left, &right).is_empty());
        // And any real difference changes it.
        let mut renamed = right.clone();
        renamed.name.push('x');
        prop_assert_ne!(left.digest(), renamed.digest());
    }
}
