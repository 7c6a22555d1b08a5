//! A query's WHERE clause built from optional parts, every parameter bound (never spliced).

use tandem_core::ServerName;

/// A query's WHERE clause and its parameters (all text).
#[derive(Default)]
pub(crate) struct Filter {
    pub(crate) clauses: Vec<String>,
    pub(crate) params: Vec<String>,
}

impl Filter {
    /// Adds a clause whose `?` is replaced by the next parameter.
    pub(crate) fn push(&mut self, clause: &str, param: String) {
        self.params.push(param);
        let n = self.params.len();
        self.clauses.push(clause.replace('?', &format!("${n}")));
    }

    pub(crate) fn raw(&mut self, clause: &str) {
        self.clauses.push(clause.to_string());
    }

    /// Only the servers in `allowed` (a user's access scope), when there is one.
    pub(crate) fn servers(&mut self, column: &str, allowed: Option<&[ServerName]>) {
        self.servers_either(&[column], allowed);
    }

    /// Only rows where any of `columns` names a server in `allowed`, when there is a list.
    pub(crate) fn servers_either(&mut self, columns: &[&str], allowed: Option<&[ServerName]>) {
        if let Some(list) = allowed {
            if list.is_empty() {
                self.raw("1 = 0");
                return;
            }
            let mut marks = Vec::new();
            for s in list {
                self.params.push(s.to_string());
                marks.push(format!("${}", self.params.len()));
            }
            let marks = marks.join(", ");
            let any: Vec<String> = columns
                .iter()
                .map(|c| format!("{c} IN ({marks})"))
                .collect();
            self.clauses.push(format!("({})", any.join(" OR ")));
        }
    }

    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    pub(crate) fn query<'q>(
        &'q self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for p in &self.params {
            q = q.bind(p.as_str());
        }
        q
    }
}

/// `text` as a LIKE pattern matching any value containing it (lower case).
pub(crate) fn contains(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
