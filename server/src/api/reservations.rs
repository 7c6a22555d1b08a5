//! Reservations: one scope's (list, CSV, get with its version, create, change, delete), and
//! the global search.

use super::{
    ApiCaller, ApiError, ApiQuery, ApiResult, Body, CsvBody, Pairs, created, csv, if_match, ip,
    query, scope_id, server_name, with_etag,
};
use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tandem_backend::Tandem;
use tandem_core::Reservation;
use tandem_core::import::ImportReport;
use tandem_core::validate::NewReservation;
use tandem_core::views::{ChangeOutcome, ReservationHit, ReservationQuery, ReservationsView};

/// A scope's Reservations view query string.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ReservationListParams {
    /// Any part of the address, client ID, name or description, any case.
    filter: Option<String>,
    /// `ip` (default), `client`, `name` or `type`.
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

/// A scope read live: its properties, its drift against the partner, and one page of its
/// reservations (filter, order, page).
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}/reservations", tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"), ReservationListParams),
    responses((status = 200, description = "The scope and one page of its reservations",
        body = ReservationsView,
        headers(("Link" = String, description = "The first, previous, next and last pages (RFC 8288)")))))]
pub async fn list_reservations(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    super::list_params::<ReservationListParams>(&pairs)?;
    let q: ReservationQuery = query(&pairs);
    let view = tandem
        .list_reservations(&caller, &server, scope, &q)
        .await?;
    Ok(super::paged(&uri, &pairs, view.page, view.total, view))
}

/// A scope's reservations export's query string.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ReservationCsvParams {
    /// Any part of the address, client ID, name or description, any case.
    filter: Option<String>,
    /// `ip` (default), `client`, `name` or `type`.
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    order: Option<String>,
    /// `tandem` (default): `ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType`,
    /// UTF-8, formulas defused for spreadsheets. `windows`: what `Import-Csv |
    /// Add-DhcpServerv4Reservation` reads on Windows, as Windows PowerShell 5.1's `Export-Csv`
    /// writes it (UTF-8 with a byte order mark, every field quoted, CRLF, the cmdlet's six
    /// columns, values as they are); reservations by another identifier than a MAC address are
    /// left out (Windows reserves by MAC only) and counted in `Tandem-Left-Out`.
    format: Option<String>,
}

/// A scope's reservations as CSV, every page, filtered and ordered: Tandem's columns (which
/// Tandem's import reads back), or with `format=windows` the file Windows' cmdlets import.
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}/reservations.csv",
    tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"), ReservationCsvParams),
    responses((status = 200, description = "The reservations as CSV", content_type = "text/csv",
        body = String,
        headers(("Tandem-Left-Out" = u32, description = "With `format=windows`: how many reservations by another identifier than a MAC address were left out")))))]
pub async fn reservations_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    ApiQuery(pairs): Pairs,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let q: ReservationQuery = query(&pairs);
    let format = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "format")
        .map_or("tandem", |(_, v)| v.as_str());
    match format {
        "tandem" | "" => {
            let text = tandem
                .export_reservations(&caller, &server, scope, &q)
                .await?;
            Ok(csv(&format!("{server}-{scope}-reservations.csv"), text))
        }
        "windows" => {
            let (text, left_out) = tandem
                .export_reservations_for_windows(&caller, &server, scope, &q)
                .await?;
            let mut response = csv(&format!("{server}-{scope}-reservations-windows.csv"), text);
            response
                .headers_mut()
                .insert("tandem-left-out", left_out.into());
            Ok(response)
        }
        other => Err(ApiError::field(
            "format",
            format!("'{other}' is not an export format: tandem or windows"),
        )),
    }
}

/// One reservation; its version is the `ETag`, to be sent back as `If-Match` with a change.
#[utoipa::path(get, path = "/servers/{server}/scopes/{scope}/reservations/{ip}",
    tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ("ip" = String, Path, format = Ipv4, description = "The reserved address", example = "10.0.0.99")),
    responses((status = 200, description = "The reservation", body = Reservation,
        headers(("ETag" = String, description = "The reservation's version")))))]
pub async fn get_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let q = ReservationQuery {
        filter: Some(address.to_string()),
        ..ReservationQuery::default()
    };
    let view = tandem
        .list_reservations(&caller, &server, scope, &q)
        .await?;
    let found = view
        .reservations
        .into_iter()
        .find(|r| r.ip_address == address)
        .ok_or_else(|| {
            ApiError::not_found(&format!(
                "reservation {address} in scope {scope} on {server} not found"
            ))
        })?;
    Ok(with_etag(&found.version(), Json(found)))
}

/// Creates a reservation (Add-DhcpServerv4Reservation); on a failover scope the partner gets
/// it too, and the outcome says so.
#[utoipa::path(post, path = "/servers/{server}/scopes/{scope}/reservations", tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0")),
    request_body = NewReservation,
    responses((status = 201, description = "Created; what became of it on the partner",
        body = ChangeOutcome,
        headers(("Location" = String, description = "The reservation's URL")))))]
pub async fn create_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope)): Path<(String, String)>,
    Body(input): Body<NewReservation>,
) -> ApiResult<Response> {
    let (server, scope) = (server_name(&server)?, scope_id(&scope)?);
    let outcome = tandem
        .create_reservation(&caller, &server, scope, &input)
        .await?;
    let location = format!(
        "/api/v1/servers/{server}/scopes/{scope}/reservations/{}",
        input.ip_address.trim()
    );
    Ok(created(&location, outcome))
}

/// Changes a reservation (its address too); `If-Match` is required, and a reservation
/// changed since it was read is refused with 412 and the reservation as it is now.
#[utoipa::path(put, path = "/servers/{server}/scopes/{scope}/reservations/{ip}",
    tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ("ip" = String, Path, format = Ipv4, description = "The reserved address", example = "10.0.0.99"),
        ("If-Match" = String, Header, description = "The ETag of the reservation as read")),
    request_body = NewReservation,
    responses((status = 200, description = "Changed; what became of it on the partner",
        body = ChangeOutcome),
        (status = 412, description = "Changed since it was read (`If-Match` is not its version): nothing written; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = super::Problem, content_type = "application/problem+json")))]
pub async fn update_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
    headers: HeaderMap,
    Body(input): Body<NewReservation>,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let version = if_match(&headers)?;
    let outcome = tandem
        .edit_reservation(&caller, &server, scope, address, &version, &input)
        .await
        .map_err(ApiError::precondition)?;
    Ok(Json(outcome).into_response())
}

/// Deletes a reservation (Remove-DhcpServerv4Reservation), on the partner too. With
/// `If-Match`, only the reservation as it was read: changed since, it is refused with 412.
#[utoipa::path(delete, path = "/servers/{server}/scopes/{scope}/reservations/{ip}",
    tag = "reservations",
    params(("server" = String, Path, description = "The server's name", example = "dhcp1.contoso.com"),
        ("scope" = String, Path, format = Ipv4, description = "The scope ID", example = "10.0.0.0"),
        ("ip" = String, Path, format = Ipv4, description = "The reserved address", example = "10.0.0.99"),
        ("If-Match" = Option<String>, Header, description = "The ETag of the reservation as read: deleted only if it is still that")),
    responses((status = 200, description = "Deleted; what became of it on the partner",
        body = ChangeOutcome),
        (status = 412, description = "Changed since it was read: nothing deleted; `current` is it as it is now", body = super::Problem, content_type = "application/problem+json")))]
pub async fn delete_reservation(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path((server, scope, address)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (server, scope, address) = (server_name(&server)?, scope_id(&scope)?, ip(&address)?);
    let version = super::optional_if_match(&headers);
    let outcome = tandem
        .delete_reservation(&caller, &server, scope, address, version.as_deref())
        .await
        .map_err(ApiError::precondition)?;
    Ok(Json(outcome).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// An address, a MAC in any spelling, or any part of a name or description.
    q: String,
}

/// Searches every scope the caller may see for reservations (at most 100 hits).
#[utoipa::path(get, path = "/search", tag = "reservations", params(SearchQuery),
    responses((status = 200, description = "The hits", body = Vec<ReservationHit>)))]
pub async fn search(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Response> {
    Ok(Json(tandem.search_reservations(&caller, &q.q).await?).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeaseSearchQuery {
    /// An IP address, a MAC address in any spelling, or a host name (exact, any case).
    q: String,
}

/// Searches the leases of every server the caller may see (asked at once, each within 5 s,
/// the whole within 10 s): each lease with its state, expiry and the server holding it (both
/// partners of a pair usually do); the servers that could not be searched are named.
#[utoipa::path(get, path = "/leases", tag = "reservations", params(LeaseSearchQuery),
    responses((status = 200, description = "The leases found",
        body = tandem_core::usage::LeaseSearch)))]
pub async fn find_leases(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<LeaseSearchQuery>,
) -> ApiResult<Response> {
    Ok(Json(tandem.find_leases(&caller, &q.q).await?).into_response())
}

/// A search's hits as CSV: `Server,ScopeId,IPAddress,Name,ClientId,Description,Type`.
#[utoipa::path(get, path = "/search.csv", tag = "reservations", params(SearchQuery),
    responses((status = 200, description = "The hits as CSV", content_type = "text/csv",
        body = String)))]
pub async fn search_csv(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Response> {
    Ok(csv(
        "tandem-search.csv",
        tandem.export_search(&caller, &q.q).await?,
    ))
}

/// A CSV file's bytes, sent as they are (UTF-8 or UTF-16 with its byte order mark: the reader
/// judges the encoding).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct CsvFile(Vec<u8>);

/// What importing a reservations CSV (`ScopeId,IPAddress,Name,ClientId,Description`, `Type`
/// optional; header names in any case; the MAC with dashes, colons, dots or nothing) into the
/// server would do, row by row: will add, will change, unchanged, or refused with the reason.
/// Nothing is written. At most 20 000 rows and 2 MiB, UTF-8.
#[utoipa::path(post, path = "/servers/{server}/reservations/import-preview", tag = "reservations",
    params(("server" = String, Path, description = "The server the rows go to", example = "dhcp1.contoso.com")),
    request_body(content = CsvFile, content_type = "text/csv",
        description = "The CSV file, as `Export-Csv` writes it"),
    responses((status = 200, description = "What each row would do", body = ImportReport)))]
pub async fn preview_import(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    CsvBody(file): CsvBody,
) -> ApiResult<Json<ImportReport>> {
    let server = server_name(&server)?;
    Ok(Json(tandem.preview_import(&caller, &server, &file).await?))
}

/// Imports a reservations CSV into the server (`Import-Csv | Add-DhcpServerv4Reservation`):
/// planned again against what the server holds now, then each scope's additions and changes
/// are made on the server and on its failover partner. Refused rows change nothing and are
/// reported; a scope whose write fails fails only its own rows (`applied: false`).
#[utoipa::path(post, path = "/servers/{server}/reservations/import", tag = "reservations",
    params(("server" = String, Path, description = "The server the rows go to", example = "dhcp1.contoso.com")),
    request_body(content = CsvFile, content_type = "text/csv",
        description = "The CSV file, as `Export-Csv` writes it"),
    responses((status = 200, description = "What each row did", body = ImportReport)))]
pub async fn apply_import(
    State(tandem): State<Tandem>,
    ApiCaller(caller): ApiCaller,
    Path(server): Path<String>,
    CsvBody(file): CsvBody,
) -> ApiResult<Json<ImportReport>> {
    let server = server_name(&server)?;
    Ok(Json(tandem.apply_import(&caller, &server, &file).await?))
}
