//! Reservations imported from the CSV Windows administrators keep for
//! `Import-Csv … | Add-DhcpServerv4Reservation`: the file read (RFC 4180, header names matched
//! without regard to case), then each row planned against the scopes as the server holds them:
//! add, change, unchanged, or refused with the reason. No I/O: the services read the scopes and
//! apply the plan.

use crate::validate::{NewReservation, Placement};
use crate::{FieldError, Reservation, Scope, ScopeId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

/// The most rows one file may hold (its size is bounded too: 2 MiB, the request limit).
pub const MAX_ROWS: usize = 20_000;

/// The columns read, as the CSV names them; `ScopeId`, `IPAddress` and `ClientId` must be there.
/// `IdentifierType` is Tandem's (Windows has none): without it, a ClientId is a MAC address.
pub const COLUMNS: [&str; 7] = [
    "ScopeId",
    "IPAddress",
    "Name",
    "ClientId",
    "Description",
    "Type",
    "IdentifierType",
];
const REQUIRED: [&str; 3] = ["ScopeId", "IPAddress", "ClientId"];

/// One data row of the file, as typed, with its line number (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    pub line: usize,
    pub scope_id: String,
    pub input: NewReservation,
    /// Why the row cannot be read at all (a wrong number of cells).
    pub unreadable: Option<String>,
    /// Optional columns the file does not have: a changed reservation keeps its own value.
    pub absent: Absent,
}

/// Which optional columns a file lacks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absent {
    pub name: bool,
    pub description: bool,
    pub kind: bool,
}

/// Splits CSV text into records of cells separated by `delimiter`, each with the line it
/// starts on. Quoted cells may hold the delimiter, doubled quotes and line breaks; `\r\n` and
/// `\n` both end a record.
fn records(text: &str, delimiter: char) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            c if c == delimiter => cells.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                if !(cells.len() == 1 && cells[0].trim().is_empty()) {
                    out.push((start, std::mem::take(&mut cells)));
                }
                cells.clear();
                line += 1;
                start = line;
                any = false;
                continue;
            }
            _ => cell.push(c),
        }
        any = true;
    }
    if quoted {
        return Err(format!(
            "a quoted cell that starts on line {start} is never closed"
        ));
    }
    if any || !cells.is_empty() || !cell.is_empty() {
        cells.push(cell);
        if !(cells.len() == 1 && cells[0].trim().is_empty()) {
            out.push((start, cells));
        }
    }
    Ok(out)
}

/// The text of a CSV file as Windows and Excel write it: UTF-8 with or without a BOM, or
/// UTF-16 with its BOM (`Export-Csv -Encoding Unicode`, PowerShell 5.1's `BigEndianUnicode`).
fn decoded(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |big: bool| -> Result<String, String> {
        let body = &bytes[2..];
        if body.len() % 2 == 1 {
            return Err("the file is UTF-16 text cut in the middle of a character".into());
        }
        let units = body.chunks_exact(2).map(|p| {
            if big {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| "the file is not valid UTF-16 text".to_string())
    };
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return utf16(false);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(true);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (byte {} is not): save it as CSV UTF-8 \
             (Export-Csv -Encoding UTF8) or Unicode",
            e.valid_up_to() + 1
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
}

/// The delimiter of a file whose header is `header`: `;` where the header holds more of them
/// than commas outside quotes (`Export-Csv -UseCulture` and Excel where the decimal mark is a
/// comma), else `,`.
fn delimiter_of(header: &str) -> char {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

/// Reads a reservations CSV as Windows writes it: PowerShell 5.1's `#TYPE` line first, every
/// field quoted, columns Tandem does not read (Windows' CIM ones) ignored, `,` or `;` between
/// fields, UTF-8 or UTF-16. Refused whole (with the reason, as the `file` field) when it is
/// not text, has no header, lacks a required column, names one twice, or holds too many rows;
/// a row that is wrong on its own is kept, to be refused on its own.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<ImportLine>, FieldError> {
    read_csv_file(bytes).map(|file| file.lines)
}

/// A reservations CSV as read: its rows, and the columns of its header Tandem does not read
/// (Windows' CIM ones, a spreadsheet's own), in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRead {
    pub lines: Vec<ImportLine>,
    pub ignored: Vec<String>,
}

/// [`read_csv`], with the columns it ignored.
pub fn read_csv_file(bytes: &[u8]) -> Result<CsvRead, FieldError> {
    let refuse = |why: String| FieldError::new("file", why);
    let text = decoded(bytes).map_err(refuse)?;
    if text.contains('\0') {
        return Err(refuse(
            "the file holds NUL characters: it is not CSV text".into(),
        ));
    }
    // PowerShell 5.1's first line names the objects' type: not a row. The lines after it are
    // numbered as the file has them.
    let (text, skipped) = match text.strip_prefix("#TYPE") {
        Some(rest) => (rest.split_once('\n').map_or("", |(_, after)| after), 1),
        None => (text.as_str(), 0),
    };
    let delimiter = delimiter_of(text.lines().next().unwrap_or_default());
    let mut rows = records(text, delimiter)
        .map_err(refuse)?
        .into_iter()
        .map(|(line, cells)| (line + skipped, cells));
    let (_, header) = rows.next().ok_or_else(|| {
        refuse(format!(
            "the file is empty: it needs a header line ({})",
            COLUMNS.join(",")
        ))
    })?;
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        match COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(column) if index.insert(column, i).is_some() => {
                return Err(refuse(format!("the header names {column} twice")));
            }
            Some(_) => {}
            None => ignored.push(name.to_string()),
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !index.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(refuse(format!(
            "the header lacks {} (it has: {}); the columns are {}",
            missing.join(", "),
            header.join(","),
            COLUMNS.join(",")
        )));
    }
    let absent = Absent {
        name: !index.contains_key("Name"),
        description: !index.contains_key("Description"),
        kind: !index.contains_key("Type"),
    };
    let mut out = Vec::new();
    for (line, cells) in rows {
        if out.len() == MAX_ROWS {
            return Err(refuse(format!(
                "the file holds more than {MAX_ROWS} rows: split it"
            )));
        }
        let cell = |column: &str| {
            index
                .get(column)
                .and_then(|&i| cells.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        let unreadable = (cells.len() != header.len()).then(|| {
            format!(
                "line {line} has {} cells; the header has {}",
                cells.len(),
                header.len()
            )
        });
        out.push(ImportLine {
            line,
            scope_id: cell("ScopeId"),
            input: NewReservation {
                ip_address: cell("IPAddress"),
                client_id: cell("ClientId"),
                identifier_type: cell("IdentifierType"),
                name: cell("Name"),
                description: cell("Description"),
                kind: cell("Type"),
                ..NewReservation::default()
            },
            unreadable,
            absent,
        });
    }
    Ok(CsvRead {
        lines: out,
        ignored,
    })
}

/// What the import does with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ImportAction {
    Add,
    Change,
    Unchanged,
    Refused,
}

impl ImportAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::Add => "will add",
            Self::Change => "will change",
            Self::Unchanged => "unchanged",
            Self::Refused => "refused",
        }
    }
}

/// One row of the file and what the import does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    pub scope_id: String,
    pub ip_address: String,
    pub client_id: String,
    /// As the file gives it (empty without the column: a MAC address).
    #[serde(default)]
    pub identifier_type: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub action: ImportAction,
    /// Why a row is refused; for a change, what changes.
    pub reason: Option<String>,
    /// After an apply: whether this row's change was made (`None` in a preview, and for rows
    /// with nothing to do).
    #[serde(default)]
    pub applied: Option<bool>,
}

/// The scope IDs a file names (the ones that parse), to be read before planning.
pub fn scope_ids(lines: &[ImportLine]) -> Vec<ScopeId> {
    let mut ids: Vec<ScopeId> = lines
        .iter()
        .filter_map(|l| ScopeId::parse(&l.scope_id).ok())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The CSV's name for a field of [`NewReservation`].
fn column(field: &str) -> &str {
    match field {
        "ip_address" => "IPAddress",
        "client_id" => "ClientId",
        "identifier_type" => "IdentifierType",
        "name" => "Name",
        "description" => "Description",
        "type" => "Type",
        other => other,
    }
}

/// What differs between a reservation and what the file says of it.
fn changes(before: &Reservation, after: &Reservation) -> String {
    let mut out = Vec::new();
    if before.client_id != after.client_id {
        out.push(format!(
            "ClientId {} → {}",
            before.client_id.described(),
            after.client_id.described()
        ));
    }
    if before.name != after.name {
        out.push(format!("Name '{}' → '{}'", before.name, after.name));
    }
    if before.description != after.description {
        out.push(format!(
            "Description '{}' → '{}'",
            before.description, after.description
        ));
    }
    if before.kind != after.kind {
        out.push(format!("Type {} → {}", before.kind, after.kind));
    }
    out.join("; ")
}

/// A scope as read for planning: what it holds, or why it could not be read.
pub type ReadScope = Result<Scope, String>;

/// For each scope, the reservations to add or change, each with the index of its row.
pub type Writes = BTreeMap<ScopeId, Vec<(usize, Reservation)>>;

/// What each scope holds, by address and by client ID.
type Held<'a> = HashMap<
    ScopeId,
    (
        HashMap<Ipv4Addr, &'a Reservation>,
        HashMap<&'a crate::ClientId, Ipv4Addr>,
    ),
>;

/// Plans every row against `scopes` (what the server holds, by scope ID) under the server's
/// `placement` rule. The first row for an address or a client ID within a scope wins; a later
/// one is refused as a duplicate in the file. Returns the rows in file order, and for each
/// scope the reservations to add or change (each with the row it came from).
pub fn plan(
    lines: &[ImportLine],
    scopes: &BTreeMap<ScopeId, ReadScope>,
    placement: Placement,
) -> (Vec<ImportRow>, Writes) {
    // What each scope holds, by address and by client ID.
    let held: Held = scopes
        .iter()
        .filter_map(|(id, s)| s.as_ref().ok().map(|s| (*id, s)))
        .map(|(id, s)| {
            let by_ip = s.reservations.iter().map(|r| (r.ip_address, r)).collect();
            let by_mac = s
                .reservations
                .iter()
                .map(|r| (&r.client_id, r.ip_address))
                .collect();
            (id, (by_ip, by_mac))
        })
        .collect();
    let mut seen_ip: HashMap<(ScopeId, Ipv4Addr), usize> = HashMap::new();
    let mut seen_mac: HashMap<(ScopeId, crate::ClientId), usize> = HashMap::new();
    let mut writes = Writes::new();
    let mut rows = Vec::with_capacity(lines.len());
    for l in lines {
        let mut row = ImportRow {
            line: l.line,
            scope_id: l.scope_id.clone(),
            ip_address: l.input.ip_address.clone(),
            client_id: l.input.client_id.clone(),
            identifier_type: l.input.identifier_type.clone(),
            name: l.input.name.clone(),
            description: l.input.description.clone(),
            kind: l.input.kind.clone(),
            action: ImportAction::Refused,
            reason: None,
            applied: None,
        };
        let (action, reason) = plan_row(l, scopes, &held, placement, &mut seen_ip, &mut seen_mac)
            .map(|(action, reason, write)| {
                if let Some((scope, r)) = write {
                    writes.entry(scope).or_default().push((rows.len(), r));
                }
                (action, reason)
            })
            .unwrap_or_else(|why| (ImportAction::Refused, Some(why)));
        row.action = action;
        row.reason = reason;
        rows.push(row);
    }
    (rows, writes)
}

type Planned = (ImportAction, Option<String>, Option<(ScopeId, Reservation)>);

fn plan_row(
    l: &ImportLine,
    scopes: &BTreeMap<ScopeId, ReadScope>,
    held: &Held,
    placement: Placement,
    seen_ip: &mut HashMap<(ScopeId, Ipv4Addr), usize>,
    seen_mac: &mut HashMap<(ScopeId, crate::ClientId), usize>,
) -> Result<Planned, String> {
    if let Some(why) = &l.unreadable {
        return Err(why.clone());
    }
    let scope_id = ScopeId::parse(&l.scope_id).map_err(|e| format!("ScopeId: {e}"))?;
    let mut new = l.input.parse().map_err(|errors| {
        errors
            .0
            .iter()
            .map(|e| format!("{}: {}", column(&e.field), e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let scope = match scopes.get(&scope_id) {
        Some(Ok(s)) => s,
        Some(Err(why)) => return Err(why.clone()),
        None => return Err(format!("scope {scope_id} was not read")),
    };
    if let Some(first) = seen_ip.get(&(scope_id, new.ip_address)) {
        return Err(format!(
            "IPAddress {} is also on line {first} of the file",
            new.ip_address
        ));
    }
    if let Some(first) = seen_mac.get(&(scope_id, new.client_id.clone())) {
        return Err(format!(
            "ClientId {} is also on line {first} of the file",
            new.client_id.described()
        ));
    }
    seen_ip.insert((scope_id, new.ip_address), l.line);
    seen_mac.insert((scope_id, new.client_id.clone()), l.line);
    if let Some(why) = placement.refusal(scope, new.ip_address) {
        return Err(why);
    }
    let (by_ip, by_mac) = &held[&scope_id];
    if let Some(before) = by_ip.get(&new.ip_address) {
        // The file names no boot settings or classes: the reservation keeps its own.
        l.input.keep_unsaid(&mut new, before);
        // A column the file lacks leaves the reservation's own value.
        if l.absent.name {
            new.name = before.name.clone();
        }
        if l.absent.description {
            new.description = before.description.clone();
        }
        if l.absent.kind {
            new.kind = before.kind;
        }
    }
    if let Some(&owner) = by_mac.get(&new.client_id)
        && owner != new.ip_address
    {
        return Err(format!(
            "ClientId {} is already reserved in scope {scope_id}, for {owner}",
            new.client_id.described()
        ));
    }
    Ok(match by_ip.get(&new.ip_address) {
        Some(before) if **before == new => (ImportAction::Unchanged, None, None),
        Some(before) => (
            ImportAction::Change,
            Some(changes(before, &new)),
            Some((scope_id, new)),
        ),
        None => (ImportAction::Add, None, Some((scope_id, new))),
    })
}

/// How many rows of each action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub add: usize,
    pub change: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// After an apply: rows whose change could not be made (the server failed).
    #[serde(default)]
    pub failed: usize,
}

impl ImportCounts {
    pub fn of(rows: &[ImportRow]) -> Self {
        let mut c = Self::default();
        for r in rows {
            match r.action {
                ImportAction::Add => c.add += 1,
                ImportAction::Change => c.change += 1,
                ImportAction::Unchanged => c.unchanged += 1,
                ImportAction::Refused => c.refused += 1,
            }
            if r.applied == Some(false) {
                c.failed += 1;
            }
        }
        c
    }
}

/// A preview, or what an apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub server: String,
    /// Whether the changes were made (`false`: a preview).
    pub applied: bool,
    pub counts: ImportCounts,
    pub rows: Vec<ImportRow>,
    /// After an apply: what became of each scope's changes on its partner, in words.
    #[serde(default)]
    pub replication: Vec<String>,
    /// The file's columns Tandem does not read (Windows' `AddressState`, `PSComputerName`, the
    /// CIM ones…), in the file's order: ignored, every row's values in them left out.
    #[serde(default)]
    pub ignored_columns: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IpRange;

    fn scope(id: &str, start: &str, end: &str, held: &[(&str, &str, &str)]) -> Scope {
        let mut s = Scope {
            id: ScopeId::parse(id).unwrap(),
            name: "test".into(),
            description: String::new(),
            range: IpRange::new(start.parse().unwrap(), end.parse().unwrap()).unwrap(),
            prefix_len: 24,
            lease_duration_secs: Scope::DEFAULT_LEASE_SECS,
            state: Default::default(),
            exclusions: Vec::new(),
            options: Default::default(),
            reservations: Vec::new(),
            kept: None,
        };
        s.reservations = held
            .iter()
            .map(|(ip, mac, name)| Reservation {
                ip_address: ip.parse().unwrap(),
                client_id: crate::MacAddress::parse(mac).unwrap().into(),
                name: (*name).into(),
                description: String::new(),
                kind: Default::default(),
                settings: Default::default(),
            })
            .collect();
        s
    }

    #[test]
    fn the_windows_csv_reads_with_any_case_quotes_a_bom_and_crlf() {
        let text = "\u{feff}scopeid,IPADDRESS,Name,ClientId,Description\r\n\
                    10.0.0.0,10.0.0.5,\"printer, 2nd floor\",00-15-5d-01-02-03,\"says \"\"hi\"\"\"\r\n\
                    \r\n\
                    10.0.0.0,10.0.0.6,pc,001122334455,\"two\nlines\"\n";
        let lines = read_csv(text.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[0].input.name, "printer, 2nd floor");
        assert_eq!(lines[0].input.description, "says \"hi\"");
        assert_eq!(lines[0].input.kind, "");
        assert_eq!(lines[1].line, 4);
        assert_eq!(lines[1].input.description, "two\nlines");
    }

    /// What Windows really writes: PowerShell 5.1's `Export-Csv` (its `#TYPE` line, every
    /// field quoted, the CIM columns, CRLF), its `-Encoding Unicode` and `-UseCulture` (`;`)
    /// variants, and PowerShell 7's (a BOM, no `#TYPE`), byte for byte: each reads the same
    /// two rows, numbered as the file's lines.
    #[test]
    fn the_files_windows_really_writes_read_alike() {
        for (name, bytes) in [
            (
                "ps51",
                &include_bytes!("../tests/fixtures/windows/export-csv-ps51.csv")[..],
            ),
            (
                "ps51 unicode",
                &include_bytes!("../tests/fixtures/windows/export-csv-ps51-unicode.csv")[..],
            ),
            (
                "ps51 useculture",
                &include_bytes!("../tests/fixtures/windows/export-csv-ps51-useculture.csv")[..],
            ),
            (
                "ps7 utf-8 bom",
                &include_bytes!("../tests/fixtures/windows/export-csv-ps7-utf8bom.csv")[..],
            ),
        ] {
            let file = read_csv_file(bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            // The columns Tandem does not read are named, in the file's order.
            assert_eq!(
                file.ignored,
                [
                    "AddressState",
                    "PSComputerName",
                    "CimClass",
                    "CimInstanceProperties",
                    "CimSystemProperties"
                ],
                "{name}"
            );
            let lines = file.lines;
            assert_eq!(lines.len(), 2, "{name}");
            let first = &lines[0];
            assert_eq!(first.scope_id, "10.0.0.0", "{name}");
            assert_eq!(first.input.ip_address, "10.0.0.150", "{name}");
            assert_eq!(first.input.client_id, "00-15-5d-a7-66-50", "{name}");
            assert_eq!(first.input.description, "Printer, floor 2", "{name}");
            assert_eq!(first.input.name, "printer-150.contoso.com", "{name}");
            assert_eq!(first.input.kind, "Both", "{name}");
            assert_eq!(first.unreadable, None, "{name}");
            assert_eq!(lines[1].input.kind, "Dhcp", "{name}");
            let header_line = if name.starts_with("ps51") { 2 } else { 1 };
            assert_eq!(first.line, header_line + 1, "{name}");
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_is_refused_whole_with_the_reason() {
        let refused = |bytes: &[u8]| read_csv(bytes).unwrap_err().message;
        assert!(refused(b"").contains("empty"));
        assert!(
            refused(b"ScopeId,IPAddress,Name\n10.0.0.0,10.0.0.5,x\n").contains("lacks ClientId")
        );
        assert!(refused(b"ScopeId,IPAddress,ClientId,clientid\n").contains("twice"));
        assert!(refused(&[0xFF, 0xFE, b'S', 0, b'c']).contains("UTF-16"));
        assert!(refused(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]).contains("not valid UTF-16"));
        assert!(refused(b"ScopeId,IPAddress,ClientId\n10.0.0.0,\xe9,x\n").contains("not UTF-8"));
        assert!(refused(b"ScopeId,IPAddress,ClientId\n\"10.0.0.0,x,y\n").contains("never closed"));
        let many = format!(
            "ScopeId,IPAddress,ClientId\n{}",
            "10.0.0.0,10.0.0.1,001122334455\n".repeat(MAX_ROWS + 1)
        );
        assert!(refused(many.as_bytes()).contains("more than"));
    }

    #[test]
    fn each_row_is_added_changed_unchanged_or_refused_with_its_reason() {
        let s = scope(
            "10.0.0.0",
            "10.0.0.1",
            "10.0.0.200",
            &[
                ("10.0.0.5", "00-00-00-00-00-05", "five"),
                ("10.0.0.6", "00-00-00-00-00-06", "six"),
                ("10.0.0.20", "00-00-00-00-00-20", "twenty"),
            ],
        );
        let text = "ScopeId,IPAddress,Name,ClientId,Description,Type\n\
            10.0.0.0,10.0.0.5,five,00:00:00:00:00:05,,\n\
            10.0.0.0,10.0.0.6,six-renamed,000000000006,,Dhcp\n\
            10.0.0.0,10.0.0.7,seven,0000.0000.0007,,\n\
            10.0.0.0,10.0.0.250,out,00-00-00-00-00-08,,\n\
            10.0.0.0,10.0.0.7,again,00-00-00-00-00-09,,\n\
            10.0.0.0,10.0.0.10,thief,00-00-00-00-00-20,,\n\
            10.0.0.0,10.0.0.11,bad,zz,,\n\
            10.9.0.0,10.9.0.1,nowhere,00-00-00-00-00-0a,,\n\
            10.0.0.0,10.0.0.12,short\n";
        let lines = read_csv(text.as_bytes()).unwrap();
        let mut scopes = BTreeMap::new();
        scopes.insert(ScopeId::parse("10.0.0.0").unwrap(), Ok(s));
        scopes.insert(
            ScopeId::parse("10.9.0.0").unwrap(),
            Err("scope 10.9.0.0 is not on dhcp1".to_string()),
        );
        let (rows, writes) = plan(&lines, &scopes, Placement::InRange);
        let actions: Vec<_> = rows.iter().map(|r| r.action).collect();
        use ImportAction::*;
        assert_eq!(
            actions,
            [
                Unchanged, Change, Add, Refused, Refused, Refused, Refused, Refused, Refused
            ]
        );
        let reason = |i: usize| rows[i].reason.clone().unwrap_or_default();
        assert!(
            reason(1).contains("Name 'six' → 'six-renamed'"),
            "{}",
            reason(1)
        );
        assert!(reason(1).contains("Type Both → Dhcp"));
        assert!(reason(3).contains("outside scope"), "{}", reason(3));
        assert!(reason(4).contains("also on line 4"), "{}", reason(4));
        assert!(
            reason(5).contains("already reserved in scope 10.0.0.0, for 10.0.0.20"),
            "{}",
            reason(5)
        );
        assert!(reason(6).starts_with("ClientId: "), "{}", reason(6));
        assert!(reason(7).contains("not on dhcp1"));
        assert!(reason(8).contains("3 cells; the header has 6"));
        let w = &writes[&ScopeId::parse("10.0.0.0").unwrap()];
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].0, 1);
        assert_eq!(w[1].1.ip_address.to_string(), "10.0.0.7");
        let counts = ImportCounts::of(&rows);
        assert_eq!(
            (counts.add, counts.change, counts.unchanged, counts.refused),
            (1, 1, 1, 6)
        );
    }

    #[test]
    fn an_identifier_type_column_reads_each_client_id_by_its_type_and_settings_stay() {
        let mut s = scope(
            "10.0.0.0",
            "10.0.0.1",
            "10.0.0.200",
            &[("10.0.0.5", "00-00-00-00-00-05", "five")],
        );
        s.reservations[0].settings.boot_file_name = "pxelinux.0".into();
        let mut scopes = BTreeMap::new();
        scopes.insert(ScopeId::parse("10.0.0.0").unwrap(), Ok(s));
        // Tandem's export: IdentifierType last, any case of Kea's names.
        let text = "ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType\n\
            10.0.0.0,10.0.0.5,five-renamed,00-00-00-00-00-05,,,hw-address\n\
            10.0.0.0,10.0.0.6,laptop,01-00-15-5d-a7-66-06,,,Client-ID\n\
            10.0.0.0,10.0.0.7,desk,00:03:00:01:00:15:5d:a7:66:07,,,duid\n\
            10.0.0.0,10.0.0.8,port,'ge-0/0/8',,,circuit-id\n\
            10.0.0.0,10.0.0.9,odd,01-02,,,remote-id\n\
            10.0.0.0,10.0.0.10,short,01,,,client-id\n";
        let (rows, writes) = plan(
            &read_csv(text.as_bytes()).unwrap(),
            &scopes,
            Placement::InRange,
        );
        use ImportAction::*;
        let actions: Vec<_> = rows.iter().map(|r| r.action).collect();
        assert_eq!(actions, [Change, Add, Add, Add, Refused, Refused]);
        assert!(
            rows[4]
                .reason
                .as_deref()
                .unwrap()
                .starts_with("IdentifierType: ")
        );
        assert!(
            rows[5]
                .reason
                .as_deref()
                .unwrap()
                .contains("2 to 255 bytes")
        );
        let w = &writes[&ScopeId::parse("10.0.0.0").unwrap()];
        let kinds: Vec<String> = w.iter().map(|(_, r)| r.client_id.described()).collect();
        assert_eq!(
            kinds,
            [
                "00-00-00-00-00-05",
                "client-id 01:00:15:5d:a7:66:06",
                "duid 00:03:00:01:00:15:5d:a7:66:07",
                "circuit-id 67:65:2d:30:2f:30:2f:38"
            ]
        );
        // The file names no boot settings: the changed reservation keeps its own.
        assert_eq!(w[0].1.settings.boot_file_name, "pxelinux.0");
        // Without the column, a ClientId is a MAC, as Windows writes it.
        let windows = "ScopeId,IPAddress,ClientId\n10.0.0.0,10.0.0.6,01-00-15-5d-a7-66-06\n";
        let (rows, _) = plan(
            &read_csv(windows.as_bytes()).unwrap(),
            &scopes,
            Placement::InRange,
        );
        assert_eq!(rows[0].action, Refused);
        assert!(
            rows[0]
                .reason
                .as_deref()
                .unwrap()
                .contains("not a MAC address")
        );
    }

    proptest::proptest! {
        #[test]
        fn no_file_makes_the_reader_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = read_csv(&bytes);
        }

        #[test]
        fn no_text_makes_the_reader_panic(text in "ScopeId,IPAddress,ClientId\n[\"a-z0-9.,\r\n:-]{0,120}") {
            if let Ok(lines) = read_csv(text.as_bytes()) {
                let _ = plan(&lines, &BTreeMap::new(), Placement::InRange);
            }
        }
    }
}
