//! What the portal's views show: rows assembled by the services from the servers' answers.
//! Shared by the server functions and the components.

use crate::drift::DriftStatus;
use crate::{IpRange, Reservation, ScopeId, ScopeState, ServerName};
use serde::{Deserialize, Serialize};

/// One scope on one server, as the DHCP Scopes view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeRow {
    pub server: ServerName,
    pub scope_id: ScopeId,
    pub name: String,
    pub range: IpRange,
    pub subnet_mask: String,
    pub state: ScopeState,
    pub reservations: usize,
    /// Failover Relationship Name; `None` when the scope is not in failover.
    pub relationship: Option<String>,
    pub partner: Option<ServerName>,
    /// Failover Config Sync Status: `None` (shown blank) means no problem.
    pub sync_error: Option<String>,
    /// Drift between this copy and the partner's; `None` when not in failover.
    pub drift: Option<DriftStatus>,
    /// How full the scope is on this server; `None` until the server has told.
    #[serde(default)]
    pub usage: Option<crate::usage::ScopeUsage>,
    /// The shared network (Windows: superscope) the scope sits in on this server, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_network: Option<String>,
}

/// A server the scopes view could not read, named with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreachableServer {
    pub server: ServerName,
    pub reason: String,
}

/// Scope Properties and the Reservations of one scope on one server, read live: every
/// property, exclusions and options (`scope`, without its reservations), the drift against
/// the partner field by field (`row.drift`), and one page of reservations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReservationsView {
    pub row: ScopeRow,
    pub scope: crate::Scope,
    /// The scope's version, for an edit of its properties.
    pub version: String,
    pub reservations: Vec<Reservation>,
    /// Reservations matching the filter, on every page.
    pub total: u64,
    pub page: Page,
    /// How full the partner's copy is (`row.usage` is this server's).
    #[serde(default)]
    pub partner_usage: Option<crate::usage::ScopeUsage>,
}

/// What became of a change on the partner of a failover scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", try_from = "crate::wire::ReplicationOutcomeWire")]
pub enum ReplicationOutcome {
    /// The scope is not in failover: there is no partner to apply it to.
    NotInFailover,
    /// Applied on the partner too.
    Replicated { partner: ServerName },
    /// Written once: the two partners keep their reservations in one shared place (a Kea
    /// hosts database named by `store`), so the partner has the change already.
    Shared { partner: ServerName, store: String },
    /// Applied where it was made, but not on the partner: the scope's Failover Config Sync
    /// Status now shows `error`.
    Failed { partner: ServerName, error: String },
}

impl ReplicationOutcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}

/// What a change made through Tandem did: applied where it was made, and then this on the
/// partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeOutcome {
    pub server: ServerName,
    pub replication: ReplicationOutcome,
}

/// What a lease operation (delete one lease, clear a scope's) did on the server asked and on
/// its partner in the scope's relationship: Kea's HA copies the leases its peers hand out, not
/// those a command deletes, so Tandem deletes on both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseOutcome {
    pub server: ServerName,
    pub scope_id: ScopeId,
    /// Leases deleted on `server`.
    pub deleted: u64,
    /// The partner in the scope's relationship, if it is in one.
    pub partner: Option<ServerName>,
    /// Leases deleted on the partner; `None` without a partner or when that failed.
    pub partner_deleted: Option<u64>,
    /// Why the partner's were not deleted, when they were not.
    pub partner_error: Option<String>,
}

impl LeaseOutcome {
    /// What was done where, in words: "2 deleted on dhcp1, 1 on dc1"; where the partner's were
    /// not deleted, why.
    pub fn summary(&self) -> String {
        let here = format!("{} deleted on {}", self.deleted, self.server);
        match (&self.partner, self.partner_deleted, &self.partner_error) {
            (Some(p), Some(n), _) => format!("{here}, {n} on {p}"),
            (Some(p), None, Some(why)) => format!("{here}; not on its partner {p}: {why}"),
            _ => here,
        }
    }

    /// Whether the partner's copy was left (it failed there).
    pub fn partner_failed(&self) -> bool {
        self.partner_error.is_some()
    }
}

/// What a manual replication of one scope would do on the partner, from a fresh read of both
/// copies: shown before it runs, and applied only as shown (see [`ScopePreview::basis`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopePreview {
    pub scope_id: ScopeId,
    pub source: ServerName,
    pub partner: ServerName,
    /// What would change on the partner (`left` is the source's copy, `right` the partner's);
    /// empty when the partner already holds the same scope.
    pub changes: Vec<crate::drift::Difference>,
    /// Both copies as read: a replication given it goes ahead only if neither copy has
    /// changed since.
    pub basis: String,
}

impl ScopePreview {
    /// The basis of a preview of `source` over `copy` (`None`: the partner lacks the scope).
    pub fn basis_of(source: &crate::Scope, copy: Option<&crate::Scope>) -> String {
        format!(
            "{}.{}",
            source.digest(),
            copy.map_or_else(|| "absent".to_string(), crate::Scope::digest)
        )
    }
}

/// One scope of a preview of several (Replicate Selected, a relationship's or a server's
/// replication): what would change, or why it cannot be read now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRow {
    pub source: ServerName,
    pub scope_id: ScopeId,
    /// `None` when `error` says why the scope could not be previewed (it would fail the same
    /// way when replicated).
    pub preview: Option<ScopePreview>,
    pub error: Option<String>,
}

/// What a manual replication of several scopes would do, scope by scope, from a fresh read of
/// every copy; applied only as shown (see [`ReplicationPreview::basis`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplicationPreview {
    pub scopes: Vec<PreviewRow>,
    /// Every row as read (which scopes, each one's basis or error): a replication given it
    /// goes ahead only if none of that has changed since.
    pub basis: String,
}

impl ReplicationPreview {
    pub fn new(scopes: Vec<PreviewRow>) -> Self {
        use std::fmt::Write;
        let mut text = String::new();
        for row in &scopes {
            let _ = write!(text, "{}/{}=", row.source, row.scope_id);
            match (&row.preview, &row.error) {
                (Some(p), _) => text.push_str(&p.basis),
                (None, e) => {
                    let _ = write!(text, "!{}", e.as_deref().unwrap_or(""));
                }
            }
            text.push(';');
        }
        let basis = format!("{}.{}", scopes.len(), crate::text_digest(&text));
        Self { scopes, basis }
    }

    /// How many differences the replication would overwrite, over every scope.
    pub fn change_count(&self) -> usize {
        self.scopes
            .iter()
            .filter_map(|r| r.preview.as_ref())
            .map(|p| p.changes.len())
            .sum()
    }
}

/// What a manual replication of one scope did on the partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeReplication {
    pub scope_id: ScopeId,
    pub source: ServerName,
    pub partner: ServerName,
    /// What the partner's copy had that is now overwritten; empty when it already agreed.
    pub changes: Vec<crate::drift::Difference>,
}

/// One page of the Event Catalog, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventsPage {
    pub rows: Vec<EventRow>,
    /// Events matching the filters, on every page.
    pub total: u64,
    pub page: Page,
}

/// One row of the Event Catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub server: Option<String>,
    pub object: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// `ok`, `pending` (the change was under way), or why it failed.
    pub outcome: String,
    pub replication: Option<String>,
    /// The event this change reversed (an undo).
    #[serde(default)]
    pub undoes: Option<i64>,
    /// The completed undo that reversed this change, if any.
    #[serde(default)]
    pub undone_by: Option<i64>,
}

/// What undoing a change of kind `action` asks of the caller's role (its inverse's
/// permission); `None`: the Event Catalog cannot undo that kind.
pub fn undo_permission(action: &str) -> Option<crate::access::Permission> {
    use crate::access::Permission;
    match action {
        "create_reservation" | "edit_reservation" | "delete_reservation" => {
            Some(Permission::EditReservations)
        }
        "update_scope" => Some(Permission::EditScopes),
        "replicate_scope" => Some(Permission::ReplicateScope),
        _ => None,
    }
}

impl EventRow {
    /// Whether an Undo is offered: a completed change of an undoable kind, not undone yet.
    pub fn undoable(&self) -> bool {
        self.outcome == "ok" && self.undone_by.is_none() && undo_permission(&self.action).is_some()
    }
}

/// Sent to every open page when something changed, so that it refreshes without a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNotice {
    /// `reservation`, `scope`, `sync_error`, `user`…; `progress` for a step of a change still
    /// under way (told only to the pages of the user making it).
    pub kind: String,
    pub server: Option<String>,
    pub scope: Option<String>,
    /// What a `progress` notice says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Who a `progress` notice is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// One relationship as the Failover Relationships view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationshipRow {
    pub relationship: crate::FailoverRelationship,
    /// Each server's own state in the relationship, or why it could not be read.
    pub primary_status: ServerStatus,
    pub secondary_status: ServerStatus,
    /// When each server's state was read (RFC 3339, UTC), by the drift watch or after a change
    /// made through Tandem; `None` for a server Tandem does not manage.
    #[serde(default)]
    pub primary_read_at: Option<String>,
    #[serde(default)]
    pub secondary_read_at: Option<String>,
    /// Scopes of the relationship whose Failover Config Sync Status shows an error.
    pub sync_errors: usize,
    /// How many scopes the relationship holds. In a page of the Failover Relationships view
    /// `relationship.scopes` lists them only when there are [`SCOPES_LISTED`] or fewer (and is
    /// empty otherwise); one relationship read on its own lists them all.
    #[serde(default)]
    pub scope_count: usize,
    /// What the primary's kind of server offers (its driver's capability flags): Partner Down
    /// by hand; maintenance of a partner; a relationship holding chosen scopes (when false it
    /// holds every scope of both servers, as Kea's HA does).
    pub partner_down: bool,
    pub maintenance: bool,
    pub failover_per_scope: bool,
}

/// "read 07:31:02 UTC" from a stored RFC 3339 time; empty when there is none.
pub fn read_at_label(at: Option<&str>) -> String {
    match at.and_then(|t| t.get(11..19)) {
        Some(clock) => format!("read {clock} UTC"),
        None => String::new(),
    }
}

impl RelationshipRow {
    /// The relationship's health in one word: `Normal` when both servers are, otherwise the
    /// state of the server that is not (`Unreachable` when it cannot be read).
    pub fn health(&self) -> String {
        let word = |s: &ServerStatus| match s {
            ServerStatus::State { state, .. } => state.to_string(),
            ServerStatus::Unreachable { .. } => "Unreachable".to_string(),
        };
        let normal = |s: &ServerStatus| {
            matches!(
                s,
                ServerStatus::State {
                    state: crate::FailoverState::Normal,
                    ..
                }
            )
        };
        if !normal(&self.primary_status) {
            word(&self.primary_status)
        } else {
            word(&self.secondary_status)
        }
    }
}

/// A server's failover status in one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", try_from = "crate::wire::ServerStatusWire")]
pub enum ServerStatus {
    State {
        state: crate::FailoverState,
        raw_state: String,
    },
    Unreachable {
        reason: String,
    },
}

/// What a replication did for one scope; one failed scope does not stop the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeResult {
    pub scope_id: ScopeId,
    pub partner: Option<ServerName>,
    /// `Ok(number of differences overwritten)` or the error.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::ScopeOutcome))]
    pub result: Result<usize, String>,
}

/// One managed server, as the DHCP Servers view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerRow {
    pub name: ServerName,
    /// `builtin` or `kea`.
    pub kind: String,
    /// `None` when reachable; otherwise why not.
    pub unreachable: Option<String>,
    pub scopes: usize,
    pub failover_scopes: usize,
    pub relationships: usize,
    /// The server can be taken offline and brought back from Tandem.
    pub service_control: bool,
    /// When Tandem last read it (RFC 3339).
    pub collected_at: String,
    /// How Tandem writes it, found from what it offers (Kea: its version and commands).
    #[serde(default)]
    pub write_method: Option<String>,
}

/// The Dashboard: health at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub servers: usize,
    pub unreachable_servers: Vec<UnreachableServer>,
    /// Relationship count by health ([`RelationshipRow::health`]: `Normal` when both servers
    /// are, otherwise the state of the one that is not).
    pub relationships_by_state: Vec<(String, usize)>,
    /// The relationships not Normal: the first few by name (the tile links to all of them).
    pub relationships: Vec<RelationshipRow>,
    /// Failover scopes whose copies differ (or could not be compared): the first few.
    pub out_of_sync: Vec<ScopeRow>,
    pub out_of_sync_total: usize,
    /// Failover scopes whose Failover Config Sync Status shows an error: the first few.
    pub sync_errors: Vec<ScopeRow>,
    pub sync_errors_total: usize,
    pub failover_scopes: usize,
    /// The fullest scopes, fullest first (at most ten).
    #[serde(default)]
    pub fullest: Vec<ScopeRow>,
    /// The last configuration review's errors and warnings not dismissed (`None`: no review
    /// yet).
    #[serde(default)]
    pub review: Option<(usize, usize)>,
}

/// An enum whose values are keywords, as a URL spells them: `ALL`, `as_str` and `parse`.
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word,)+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }
        }

        impl Keyword for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }

            fn from_word(s: &str) -> Option<Self> {
                Self::parse(s)
            }
        }
    };
}

/// A value a URL spells as a word (the columns a list is ordered by, its filters).
pub(crate) trait Keyword: Copy + Sized {
    fn word(self) -> &'static str;
    fn from_word(s: &str) -> Option<Self>;
}

/// The most rows one page of a list may hold.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Rows per page unless the view asks for another size.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Which page of a list, and how big: 1-based, clamped to sane bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            number: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl Page {
    pub fn new(number: u32, size: u32) -> Self {
        Self {
            number: number.max(1),
            size: size.clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.number.max(1) - 1) * u64::from(self.size.clamp(1, MAX_PAGE_SIZE))
    }

    pub fn limit(&self) -> u64 {
        u64::from(self.size.clamp(1, MAX_PAGE_SIZE))
    }

    /// How many pages `total` rows fill (at least one).
    pub fn count(&self, total: u64) -> u64 {
        total.div_ceil(self.limit()).max(1)
    }
}

/// A list view's state as `key=value` pairs: what the URL holds, so that a link or a reload
/// shows the same page. Unknown keys and bad values fall back to the defaults.
pub trait QueryState: Sized + Default {
    fn to_pairs(&self) -> Vec<(&'static str, String)>;
    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self;

    /// The URL query string (`?a=1&b=2`, or empty for the defaults).
    fn to_query_string(&self) -> String {
        let pairs = self.to_pairs();
        if pairs.is_empty() {
            return String::new();
        }
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::text::percent_encode(v, "")))
            .collect();
        format!("?{}", body.join("&"))
    }
}

/// A list's order and page as pairs, leaving out the defaults.
fn order_pairs<K: Keyword + Default + PartialEq>(
    sort: K,
    descending: bool,
    page: &Page,
    out: &mut Vec<(&'static str, String)>,
) {
    if sort != K::default() {
        out.push(("sort", sort.word().into()));
    }
    if descending {
        out.push(("order", "desc".into()));
    }
    page_pairs(page, out);
}

/// A list's page as pairs, leaving out the defaults.
fn page_pairs(page: &Page, out: &mut Vec<(&'static str, String)>) {
    if page.number > 1 {
        out.push(("page", page.number.to_string()));
    }
    if page.size != DEFAULT_PAGE_SIZE {
        out.push(("per_page", page.size.to_string()));
    }
}

/// Reads one `key=value` pair of a list's page (other keys are left alone).
fn page_from(key: &str, value: &str, page: &mut Page) {
    match key {
        "page" => page.number = value.parse().unwrap_or(1),
        "per_page" => page.size = value.parse().unwrap_or(DEFAULT_PAGE_SIZE),
        _ => {}
    }
    *page = Page::new(page.number, page.size);
}

/// Reads one `key=value` pair of a list's order and page (other keys are left alone).
fn order_from<K: Keyword + Default>(
    key: &str,
    value: &str,
    sort: &mut K,
    descending: &mut bool,
    page: &mut Page,
) {
    match key {
        "sort" => *sort = K::from_word(value).unwrap_or_default(),
        "order" => *descending = value == "desc",
        other => page_from(other, value, page),
    }
}

fn text(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

keywords! {
    /// What the DHCP Scopes view's sync filter picks.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum SyncFilter {
        /// OutOfSync or Unknown: the copies are not known to agree.
        Drift => "drift",
        OutOfSync => "out-of-sync",
        Unknown => "unknown",
        InSync => "in-sync",
        /// The Failover Config Sync Status shows an error.
        Error => "sync-error",
        NotInFailover => "not-in-failover",
    }
}

impl SyncFilter {
    pub fn label(self) -> &'static str {
        match self {
            Self::InSync => "InSync",
            Self::OutOfSync => "OutOfSync",
            Self::Unknown => "Unknown",
            Self::Drift => "OutOfSync or Unknown",
            Self::Error => "Config sync error",
            Self::NotInFailover => "Not in failover",
        }
    }
}

keywords! {
    /// The column a scopes list is ordered by.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ScopeSort {
        #[default]
        ScopeId => "scope",
        Server => "server",
        Name => "name",
        State => "state",
        Reservations => "reservations",
        Relationship => "relationship",
        Sync => "sync",
        Usage => "usage",
    }
}

/// What the DHCP Scopes view shows: filters, order and page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScopeQuery {
    /// Exact server name.
    pub server: Option<String>,
    /// Scope ID, or the start of one (`10.0.`).
    pub scope: Option<String>,
    /// Part of the scope's name (any case).
    pub name: Option<String>,
    pub state: Option<crate::ScopeState>,
    /// Exact relationship name.
    pub relationship: Option<String>,
    pub sync: Option<SyncFilter>,
    /// Only scopes more than this percentage full (1 to 99).
    pub usage_over: Option<u8>,
    /// Exact shared network (superscope) name.
    pub shared_network: Option<String>,
    pub sort: ScopeSort,
    pub descending: bool,
    pub page: Page,
}

impl ScopeQuery {
    /// Reads the "over N %" filter: a whole percentage from 1 to 99 (anything else, none).
    pub fn usage_over_from(value: &str) -> Option<u8> {
        value
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=99).contains(p))
    }
}

impl QueryState for ScopeQuery {
    fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = [
            ("server", &self.server),
            ("scope", &self.scope),
            ("name", &self.name),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
        if let Some(s) = self.state {
            out.push(("state", s.as_str().to_ascii_lowercase()));
        }
        if let Some(r) = &self.relationship {
            out.push(("relationship", r.clone()));
        }
        if let Some(s) = self.sync {
            out.push(("sync", s.as_str().into()));
        }
        if let Some(p) = self.usage_over {
            out.push(("usage_over", p.to_string()));
        }
        if let Some(n) = &self.shared_network {
            out.push(("shared_network", n.clone()));
        }
        order_pairs(self.sort, self.descending, &self.page, &mut out);
        out
    }

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            match k {
                "server" => q.server = text(v),
                "scope" => q.scope = text(v),
                "name" => q.name = text(v),
                "state" => q.state = crate::ScopeState::parse(v),
                "relationship" => q.relationship = text(v),
                "sync" => q.sync = SyncFilter::parse(v),
                "usage_over" => q.usage_over = Self::usage_over_from(v),
                "shared_network" => q.shared_network = text(v),
                // The Dashboard's links of before.
                "filter" => {
                    q.sync = match v {
                        "out-of-sync" => Some(SyncFilter::Drift),
                        "sync-errors" => Some(SyncFilter::Error),
                        _ => None,
                    }
                }
                other => order_from(other, v, &mut q.sort, &mut q.descending, &mut q.page),
            }
        }
        q
    }
}

/// One page of the DHCP Scopes view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopesPage {
    pub rows: Vec<ScopeRow>,
    /// Rows matching the filters, on every page.
    pub total: u64,
    pub page: Page,
    /// Servers whose last read failed (their scopes are shown as last read).
    pub unreachable: Vec<UnreachableServer>,
}

keywords! {
    /// The column the DHCP Servers list is ordered by.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ServerSort {
        #[default]
        Name => "name",
        Kind => "kind",
        Scopes => "scopes",
        Status => "status",
    }
}

/// What the DHCP Servers view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerQuery {
    /// Part of the server's name.
    pub name: Option<String>,
    /// Only servers that could not be read.
    pub unreachable: bool,
    pub sort: ServerSort,
    pub descending: bool,
    pub page: Page,
}

impl QueryState for ServerQuery {
    fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(n) = &self.name {
            out.push(("name", n.clone()));
        }
        if self.unreachable {
            out.push(("status", "unreachable".into()));
        }
        order_pairs(self.sort, self.descending, &self.page, &mut out);
        out
    }

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            match k {
                "name" => q.name = text(v),
                "status" => q.unreachable = v == "unreachable",
                other => order_from(other, v, &mut q.sort, &mut q.descending, &mut q.page),
            }
        }
        q
    }
}

/// One page of the DHCP Servers view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServersPage {
    pub rows: Vec<ServerRow>,
    pub total: u64,
    pub page: Page,
}

keywords! {
    /// The column a scope's reservations are ordered by.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ReservationSort {
        #[default]
        IpAddress => "ip",
        ClientId => "client",
        Name => "name",
        Type => "type",
    }
}

/// What the Reservations view of one scope shows: a filter (address, client ID, name or
/// description, any part, any case), order and page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReservationQuery {
    pub filter: Option<String>,
    pub sort: ReservationSort,
    pub descending: bool,
    pub page: Page,
}

impl QueryState for ReservationQuery {
    fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(f) = &self.filter {
            out.push(("filter", f.clone()));
        }
        order_pairs(self.sort, self.descending, &self.page, &mut out);
        out
    }

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            match k {
                "filter" => q.filter = text(v),
                other => order_from(other, v, &mut q.sort, &mut q.descending, &mut q.page),
            }
        }
        q
    }
}

impl ReservationQuery {
    /// Applies the filter, order and page to a scope's reservations; returns the page and how
    /// many matched.
    pub fn apply(&self, all: &[Reservation]) -> (Vec<Reservation>, u64) {
        let needle = self.filter.as_deref().map(str::to_lowercase);
        let mut hits: Vec<&Reservation> = all
            .iter()
            .filter(|r| match &needle {
                None => true,
                Some(n) => {
                    // A client ID with any separators: aa-bb, aa:bb, aabb.
                    let bare = n.replace([':', '-'], "");
                    r.ip_address.to_string().contains(n.as_str())
                        || (!bare.is_empty()
                            && r.client_id
                                .to_colon_string()
                                .replace(':', "")
                                .contains(&bare))
                        || r.name.to_lowercase().contains(n.as_str())
                        || r.description.to_lowercase().contains(n.as_str())
                }
            })
            .collect();
        match self.sort {
            ReservationSort::IpAddress => hits.sort_by_key(|r| r.ip_address),
            ReservationSort::ClientId => {
                hits.sort_by(|a, b| (&a.client_id, a.ip_address).cmp(&(&b.client_id, b.ip_address)))
            }
            ReservationSort::Name => hits.sort_by_key(|r| (r.name.to_lowercase(), r.ip_address)),
            ReservationSort::Type => hits.sort_by_key(|r| (r.kind.as_str(), r.ip_address)),
        }
        if self.descending {
            hits.reverse();
        }
        let total = hits.len() as u64;
        let page = hits
            .into_iter()
            .skip(self.page.offset() as usize)
            .take(self.page.limit() as usize)
            .cloned()
            .collect();
        (page, total)
    }
}

/// What the Failover Relationships view shows: filters and page (ordered by name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RelationshipQuery {
    /// Part of the relationship's name or of either server's name (any case).
    pub name: Option<String>,
    /// Exact server name: the relationships it is in.
    pub server: Option<String>,
    /// Only relationships in which either server is not Normal (or cannot be read).
    pub not_normal: bool,
    pub page: Page,
}

impl QueryState for RelationshipQuery {
    fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(n) = &self.name {
            out.push(("name", n.clone()));
        }
        if let Some(s) = &self.server {
            out.push(("server", s.clone()));
        }
        if self.not_normal {
            out.push(("filter", "not-normal".into()));
        }
        page_pairs(&self.page, &mut out);
        out
    }

    fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            match k {
                "name" => q.name = text(v),
                "server" => q.server = text(v),
                "filter" => q.not_normal = v == "not-normal",
                other => page_from(other, v, &mut q.page),
            }
        }
        q
    }
}

/// The most scope IDs a page of relationships lists for one relationship (past that, a count).
pub const SCOPES_LISTED: usize = 4;

/// One page of the Failover Relationships view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationshipsPage {
    /// Each with its scope IDs only when it has [`SCOPES_LISTED`] or fewer (see
    /// [`RelationshipRow::scope_count`]).
    pub rows: Vec<RelationshipRow>,
    /// Relationships matching the filters, on every page.
    pub total: u64,
    pub page: Page,
}

/// A reservation found by the global search, with where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReservationHit {
    pub server: ServerName,
    pub scope_id: crate::ScopeId,
    pub reservation: Reservation,
}

/// The most hits the global search returns.
pub const SEARCH_LIMIT: u32 = 100;

/// An API token as listed: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    /// The token's first characters, to tell it apart.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// `active`, `revoked` or `expired`, when it was read.
    pub state: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_outcome_says_what_was_done_where() {
        let name = |n: &str| ServerName::parse(n).unwrap();
        let mut out = LeaseOutcome {
            server: name("dhcp1.contoso.com"),
            scope_id: ScopeId::parse("10.0.0.0").unwrap(),
            deleted: 2,
            partner: Some(name("dc1.contoso.com")),
            partner_deleted: Some(1),
            partner_error: None,
        };
        assert_eq!(
            out.summary(),
            "2 deleted on dhcp1.contoso.com, 1 on dc1.contoso.com"
        );
        assert!(!out.partner_failed());
        out.partner_deleted = None;
        out.partner_error = Some("dc1.contoso.com is unreachable".into());
        assert_eq!(
            out.summary(),
            "2 deleted on dhcp1.contoso.com; not on its partner dc1.contoso.com: dc1.contoso.com is unreachable"
        );
        assert!(out.partner_failed());
        out.partner = None;
        out.partner_error = None;
        assert_eq!(out.summary(), "2 deleted on dhcp1.contoso.com");
    }
}
