//! The built-in server's failover state machine (the Windows one, after
//! draft-ietf-dhc-failover-12): each server sends its partner a heartbeat every interval and
//! moves between states on what it hears, or does not.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tandem_core::{FailoverRelationship, FailoverState};

/// How often a server contacts its partner, and how long silence lasts before it counts as
/// lost. Kept in the server's file, so that tests can run the machine in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub heartbeat_ms: u64,
    pub comm_timeout_ms: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            heartbeat_ms: 1000,
            comm_timeout_ms: 3000,
        }
    }
}

impl Timing {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_millis(self.heartbeat_ms.max(50))
    }

    pub fn comm_timeout(&self) -> Duration {
        Duration::from_millis(self.comm_timeout_ms)
    }
}

/// One relationship's state on one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    pub state: FailoverState,
    pub entered: Instant,
    /// When the partner last answered.
    pub last_contact: Instant,
}

impl Machine {
    /// A server whose service just started: it has not heard from its partner yet.
    pub fn starting(now: Instant) -> Self {
        Self {
            state: FailoverState::Startup,
            entered: now,
            last_contact: now,
        }
    }
}

/// What the last heartbeat found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    /// The partner answered, in this state.
    Reached(FailoverState),
    Lost,
}

/// The next state of `m` after a heartbeat.
pub fn step(
    m: &Machine,
    contact: Contact,
    rel: &FailoverRelationship,
    now: Instant,
    timing: &Timing,
) -> FailoverState {
    use FailoverState::*;
    let in_state = now.saturating_duration_since(m.entered);
    match contact {
        Contact::Reached(partner) => match m.state {
            Init | Startup | Normal | CommunicationInterrupted | PotentialConflict => {
                // A partner that declared us down makes us recover before serving again.
                if partner == PartnerDown {
                    Recover
                } else {
                    Normal
                }
            }
            PartnerDown => {
                if matches!(partner, RecoverDone | Normal) {
                    Normal
                } else {
                    PartnerDown
                }
            }
            Recover => RecoverWait,
            // Wait one MCLT: leases the partner gave out alone may not be reused before.
            RecoverWait => {
                if in_state >= Duration::from_secs(u64::from(rel.max_client_lead_time_secs)) {
                    RecoverDone
                } else {
                    RecoverWait
                }
            }
            RecoverDone => {
                if matches!(partner, Normal | RecoverDone) {
                    Normal
                } else {
                    RecoverDone
                }
            }
        },
        Contact::Lost => {
            let silent = now.saturating_duration_since(m.last_contact) >= timing.comm_timeout();
            match m.state {
                PartnerDown => PartnerDown,
                CommunicationInterrupted => match rel.state_switch_interval_secs {
                    Some(secs)
                        if rel.auto_state_transition
                            && in_state >= Duration::from_secs(u64::from(secs)) =>
                    {
                        PartnerDown
                    }
                    _ => CommunicationInterrupted,
                },
                _ if silent => CommunicationInterrupted,
                other => other,
            }
        }
    }
}

/// Partner Down, set by an administrator: only from CommunicationInterrupted.
pub fn partner_down(m: &Machine) -> Result<FailoverState, String> {
    match m.state {
        FailoverState::CommunicationInterrupted => Ok(FailoverState::PartnerDown),
        FailoverState::PartnerDown => Ok(FailoverState::PartnerDown),
        other => Err(format!(
            "Partner Down can be set only when communication with the partner is interrupted (the state is {other})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailoverState::*;
    use tandem_core::failover_rules::NewRelationship;

    fn rel(mclt: &str, interval: &str) -> FailoverRelationship {
        NewRelationship {
            primary_server: "dhcp1.contoso.com".into(),
            secondary_server: "dc1.contoso.com".into(),
            max_client_lead_time_secs: mclt.into(),
            state_switch_interval_secs: interval.into(),
            ..Default::default()
        }
        .parse()
        .unwrap()
        .relationship
    }

    fn at(state: FailoverState, entered_ago: u64, contact_ago: u64, now: Instant) -> Machine {
        Machine {
            state,
            entered: now - Duration::from_secs(entered_ago),
            last_contact: now - Duration::from_secs(contact_ago),
        }
    }

    #[test]
    fn partners_that_hear_each_other_are_normal() {
        let now = Instant::now() + Duration::from_secs(10_000);
        let r = rel("3600", "");
        let t = Timing::default();
        assert_eq!(
            step(
                &at(Startup, 0, 0, now),
                Contact::Reached(Startup),
                &r,
                now,
                &t
            ),
            Normal
        );
        assert_eq!(
            step(
                &at(Normal, 5, 0, now),
                Contact::Reached(Normal),
                &r,
                now,
                &t
            ),
            Normal
        );
    }

    #[test]
    fn silence_past_the_timeout_interrupts_communication_and_nothing_more() {
        let now = Instant::now() + Duration::from_secs(10_000);
        let r = rel("3600", "");
        let t = Timing::default();
        assert_eq!(
            step(&at(Normal, 50, 1, now), Contact::Lost, &r, now, &t),
            Normal
        );
        assert_eq!(
            step(&at(Normal, 50, 4, now), Contact::Lost, &r, now, &t),
            CommunicationInterrupted
        );
        // Without auto transition it waits for an administrator, however long.
        assert_eq!(
            step(
                &at(CommunicationInterrupted, 9000, 9000, now),
                Contact::Lost,
                &r,
                now,
                &t
            ),
            CommunicationInterrupted
        );
    }

    #[test]
    fn auto_transition_moves_to_partner_down_after_the_interval() {
        let now = Instant::now() + Duration::from_secs(10_000);
        let r = rel("3600", "60");
        let t = Timing::default();
        assert_eq!(
            step(
                &at(CommunicationInterrupted, 59, 70, now),
                Contact::Lost,
                &r,
                now,
                &t
            ),
            CommunicationInterrupted
        );
        assert_eq!(
            step(
                &at(CommunicationInterrupted, 60, 70, now),
                Contact::Lost,
                &r,
                now,
                &t
            ),
            PartnerDown
        );
    }

    #[test]
    fn partner_down_only_from_communication_interrupted() {
        let now = Instant::now();
        assert_eq!(
            partner_down(&at(CommunicationInterrupted, 0, 0, now)).unwrap(),
            PartnerDown
        );
        assert!(
            partner_down(&at(Normal, 0, 0, now))
                .unwrap_err()
                .contains("Normal")
        );
    }

    #[test]
    fn a_returning_partner_recovers_for_one_mclt_then_both_are_normal() {
        let now = Instant::now() + Duration::from_secs(10_000);
        let r = rel("30", "");
        let t = Timing::default();
        // The returning server finds its partner in PartnerDown.
        assert_eq!(
            step(
                &at(Startup, 0, 0, now),
                Contact::Reached(PartnerDown),
                &r,
                now,
                &t
            ),
            Recover
        );
        assert_eq!(
            step(
                &at(Recover, 1, 0, now),
                Contact::Reached(PartnerDown),
                &r,
                now,
                &t
            ),
            RecoverWait
        );
        assert_eq!(
            step(
                &at(RecoverWait, 29, 0, now),
                Contact::Reached(PartnerDown),
                &r,
                now,
                &t
            ),
            RecoverWait
        );
        assert_eq!(
            step(
                &at(RecoverWait, 30, 0, now),
                Contact::Reached(PartnerDown),
                &r,
                now,
                &t
            ),
            RecoverDone
        );
        // The partner stays down until it sees RecoverDone, then both go Normal.
        assert_eq!(
            step(
                &at(PartnerDown, 99, 0, now),
                Contact::Reached(RecoverWait),
                &r,
                now,
                &t
            ),
            PartnerDown
        );
        assert_eq!(
            step(
                &at(PartnerDown, 99, 0, now),
                Contact::Reached(RecoverDone),
                &r,
                now,
                &t
            ),
            Normal
        );
        assert_eq!(
            step(
                &at(RecoverDone, 1, 0, now),
                Contact::Reached(Normal),
                &r,
                now,
                &t
            ),
            Normal
        );
    }
}
