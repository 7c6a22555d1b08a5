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

/// Adds the shared refusals to every operation that does not describe them itself.
pub fn finish(mut api: OpenApi) -> OpenApi {
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
