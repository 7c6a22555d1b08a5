//! The API's OpenAPI 3.1 description: the handlers' own `#[utoipa::path]` annotations and the
//! model types' schemas, plus what every route shares (the bearer scheme, the refusals).

use super::{PROBLEM_JSON, Problem};
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Ref;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::{Modify, OpenApi as _};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Tandem",
        description = "Manage DHCP servers that run in failover pairs: servers, scopes, \
            reservations, failover relationships, replication, drift and the Event Catalog. \
            Every change to a failover scope is applied to both partners. Authenticate with \
            an API token (made on the portal's API Tokens page) as `Authorization: Bearer \
            <token>`; it acts with its user's role and access scope.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/api/v1", description = "This Tandem")),
    security(("bearer" = [])),
    components(schemas(Problem)),
    modifiers(&Bearer),
    tags(
        (name = "account", description = "Who calls, and their API tokens"),
        (name = "servers", description = "DHCP servers, server-level replication, drift checks and the Event Catalog"),
        (name = "scopes", description = "Scopes, scope replication, differences and sync errors"),
        (name = "reservations", description = "Reservations, one scope at a time or searched everywhere"),
        (name = "failover", description = "Failover relationships: create, change, Partner Down, maintenance, replication"),
        (name = "leases", description = "Leases: delete one, clear a scope's (on both partners); the search is under reservations"),
    )
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`tdm_…`), or the portal's session cookie with a \
                         same-origin header",
                    ))
                    .build(),
            ),
        );
    }
}

/// The description before the routes are added.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Refusals any route may answer with, and what each means.
const ALWAYS: &[(&str, &str)] = &[
    (
        "400",
        "Refused: the fields named are wrong (or the path or query string is)",
    ),
    (
        "401",
        "No valid API token or session (a revoked or expired token too)",
    ),
    (
        "403",
        "The caller's role or access scope does not allow this",
    ),
    ("404", "No such object"),
    ("429", "Too soon: try again shortly"),
    ("500", "Tandem failed (see its log)"),
    (
        "502",
        "A DHCP server could not be reached or failed; `server` names it",
    ),
];

/// Refusals of routes that take a body.
const WITH_BODY: &[(&str, &str)] = &[
    ("413", "The body is larger than 2 MiB"),
    ("415", "The body is not sent as application/json"),
];

/// Refusals of changes.
const CHANGES: &[(&str, &str)] = &[(
    "409",
    "Conflict: the object is already there, is in a state that does not allow this, or the \
     server named cannot do this (`server`)",
)];

/// A link between operations (OpenAPI `links`): from a response of one operation, what it
/// leads to and where the next call's parameters come from, so that a client (and the contract
/// test's stateful phase) can follow it.
struct Follow {
    /// The operation answering, by path and method.
    path: &'static str,
    method: &'static str,
    status: &'static str,
    /// The operation it leads to.
    to: &'static str,
    /// The next call's parameters (`path.server`, `header.If-Match`…) and their runtime
    /// expressions.
    parameters: &'static [(&'static str, &'static str)],
    what: &'static str,
}

const FROM_REQUEST: &[(&str, &str)] = &[
    ("path.server", "$request.path.server"),
    ("path.scope", "$request.path.scope"),
];
const RESERVATION_READ: &[(&str, &str)] = &[
    ("path.server", "$request.path.server"),
    ("path.scope", "$request.path.scope"),
    ("path.ip", "$request.path.ip"),
    ("header.If-Match", "$response.header.ETag"),
];
const RESERVATION_MADE: &[(&str, &str)] = &[
    ("path.server", "$request.path.server"),
    ("path.scope", "$request.path.scope"),
    ("path.ip", "$request.body#/ip_address"),
];
const SCOPE_READ: &[(&str, &str)] = &[
    ("path.server", "$request.path.server"),
    ("path.scope", "$request.path.scope"),
    ("header.If-Match", "$response.header.ETag"),
];
const SCOPE_MADE: &[(&str, &str)] = &[
    ("path.server", "$request.path.server"),
    ("path.scope", "$request.body#/scope_id"),
];
const FIRST_SCOPE: &[(&str, &str)] = &[
    ("path.server", "$response.body#/rows/0/server"),
    ("path.scope", "$response.body#/rows/0/scope_id"),
];
const FIRST_SERVER: &[(&str, &str)] = &[("path.server", "$response.body#/rows/0/name")];
const FIRST_RELATIONSHIP: &[(&str, &str)] =
    &[("path.name", "$response.body#/rows/0/relationship/name")];
const FIRST_RELATIONSHIP_ON_PRIMARY: &[(&str, &str)] = &[
    (
        "path.server",
        "$response.body#/rows/0/relationship/primary_server",
    ),
    ("path.name", "$response.body#/rows/0/relationship/name"),
];
const RELATIONSHIP_READ: &[(&str, &str)] = &[
    ("path.name", "$request.path.name"),
    ("header.If-Match", "$response.header.ETag"),
];
const RELATIONSHIP_MADE: &[(&str, &str)] = &[("path.name", "$response.body#/name")];

const RESERVATION: &str = "/servers/{server}/scopes/{scope}/reservations/{ip}";
const RESERVATIONS: &str = "/servers/{server}/scopes/{scope}/reservations";
const SCOPE: &str = "/servers/{server}/scopes/{scope}";

const LINKS: &[Follow] = &[
    Follow {
        path: RESERVATIONS,
        method: "post",
        status: "201",
        to: "get_reservation",
        parameters: RESERVATION_MADE,
        what: "The reservation made",
    },
    Follow {
        path: RESERVATIONS,
        method: "post",
        status: "201",
        to: "delete_reservation",
        parameters: RESERVATION_MADE,
        what: "Delete the reservation made",
    },
    Follow {
        path: RESERVATION,
        method: "get",
        status: "200",
        to: "update_reservation",
        parameters: RESERVATION_READ,
        what: "Change it, as read",
    },
    Follow {
        path: RESERVATION,
        method: "get",
        status: "200",
        to: "delete_reservation",
        parameters: RESERVATION_READ,
        what: "Delete it, as read",
    },
    Follow {
        path: RESERVATIONS,
        method: "get",
        status: "200",
        to: "create_reservation",
        parameters: FROM_REQUEST,
        what: "Reserve an address in this scope",
    },
    Follow {
        path: SCOPE,
        method: "get",
        status: "200",
        to: "update_scope",
        parameters: SCOPE_READ,
        what: "Change the scope, as read",
    },
    Follow {
        path: SCOPE,
        method: "get",
        status: "200",
        to: "list_reservations",
        parameters: FROM_REQUEST,
        what: "Its reservations",
    },
    Follow {
        path: "/servers/{server}/scopes",
        method: "post",
        status: "201",
        to: "get_scope",
        parameters: SCOPE_MADE,
        what: "The scope made",
    },
    Follow {
        path: "/servers/{server}/scopes",
        method: "post",
        status: "201",
        to: "create_reservation",
        parameters: SCOPE_MADE,
        what: "Reserve an address in the scope made",
    },
    Follow {
        path: "/scopes",
        method: "get",
        status: "200",
        to: "get_scope",
        parameters: FIRST_SCOPE,
        what: "The first scope listed",
    },
    Follow {
        path: "/scopes",
        method: "get",
        status: "200",
        to: "list_reservations",
        parameters: FIRST_SCOPE,
        what: "The first scope's reservations",
    },
    Follow {
        path: "/scopes",
        method: "get",
        status: "200",
        to: "differences",
        parameters: FIRST_SCOPE,
        what: "The first scope's differences from its partner",
    },
    Follow {
        path: "/scopes",
        method: "get",
        status: "200",
        to: "preview_scope_replication",
        parameters: FIRST_SCOPE,
        what: "What replicating the first scope would change",
    },
    Follow {
        path: "/scopes",
        method: "get",
        status: "200",
        to: "list_reservations_without_address",
        parameters: FIRST_SCOPE,
        what: "The first scope's reservations without an address",
    },
    Follow {
        path: "/servers",
        method: "get",
        status: "200",
        to: "get_server",
        parameters: FIRST_SERVER,
        what: "The first server listed",
    },
    Follow {
        path: "/servers",
        method: "get",
        status: "200",
        to: "server_options",
        parameters: FIRST_SERVER,
        what: "The first server's own options",
    },
    Follow {
        path: "/servers",
        method: "get",
        status: "200",
        to: "preview_server_replication",
        parameters: FIRST_SERVER,
        what: "What replicating the first server would change",
    },
    Follow {
        path: "/relationships",
        method: "get",
        status: "200",
        to: "get_relationship",
        parameters: FIRST_RELATIONSHIP,
        what: "The first relationship listed",
    },
    Follow {
        path: "/relationships",
        method: "get",
        status: "200",
        to: "preview_relationship_replication",
        parameters: FIRST_RELATIONSHIP_ON_PRIMARY,
        what: "What replicating the first relationship from its primary would change",
    },
    Follow {
        path: "/relationships/{name}",
        method: "get",
        status: "200",
        to: "update_relationship",
        parameters: RELATIONSHIP_READ,
        what: "Change the relationship, as read",
    },
    Follow {
        path: "/relationships",
        method: "post",
        status: "201",
        to: "get_relationship",
        parameters: RELATIONSHIP_MADE,
        what: "The relationship made",
    },
    Follow {
        path: "/events",
        method: "get",
        status: "200",
        to: "undo_event",
        parameters: &[("path.id", "$response.body#/rows/0/id")],
        what: "Undo the newest event listed",
    },
];

/// Adds every link of [`LINKS`] to its response.
fn link(api: &mut OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    let ids: Vec<String> = api
        .paths
        .paths
        .values()
        .flat_map(|item| [&item.get, &item.post, &item.put, &item.delete])
        .filter_map(|op| op.as_ref()?.operation_id.clone())
        .collect();
    for follow in LINKS {
        assert!(
            ids.iter().any(|id| id == follow.to),
            "a link leads to {}, which is no operation",
            follow.to
        );
        let item = api
            .paths
            .paths
            .get_mut(follow.path)
            .unwrap_or_else(|| panic!("a link from {} leaves from no route", follow.path));
        let op = match follow.method {
            "get" => item.get.as_mut(),
            "post" => item.post.as_mut(),
            "put" => item.put.as_mut(),
            _ => item.delete.as_mut(),
        }
        .unwrap_or_else(|| panic!("no {} {}", follow.method, follow.path));
        let Some(RefOr::T(response)) = op.responses.responses.get_mut(follow.status) else {
            panic!(
                "{} {} has no {} answer",
                follow.method, follow.path, follow.status
            );
        };
        let mut link = LinkBuilder::new()
            .operation_id(follow.to)
            .description(follow.what);
        for (name, expression) in follow.parameters {
            link = link.parameter(*name, *expression);
        }
        let name = follow.to.split('_').map(capitalised).collect::<String>();
        response.links.insert(name, RefOr::T(link.build()));
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Adds the shared refusals to every operation that does not describe them itself, and the
/// links between operations.
pub fn finish(mut api: OpenApi) -> OpenApi {
    link(&mut api);
    let error = || {
        ContentBuilder::new()
            .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
            .build()
    };
    for item in api.paths.paths.values_mut() {
        let ops = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.delete, true),
        ];
        for (op, changes) in ops {
            let Some(op) = op.as_mut() else { continue };
            let mut add: Vec<(&str, &str)> = ALWAYS.to_vec();
            if op.request_body.is_some() {
                add.extend_from_slice(WITH_BODY);
            }
            if changes {
                add.extend_from_slice(CHANGES);
            }
            for (status, what) in add {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(what)
                            .content(PROBLEM_JSON, error())
                            .into()
                    });
            }
        }
    }
    api
}
