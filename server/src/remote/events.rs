//! `tandem event …`: the Event Catalog through Tandem's REST API.

use super::{Api, Failure, decode, query_string, show};
use crate::cli::table;
use crate::config::{EventFilters, RemoteEvent};
use reqwest::Method;
use tandem_core::views::EventsPage;

fn filters(f: EventFilters) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("actor", f.actor),
        ("action", f.action),
        ("object", f.object),
        ("from", f.from),
        ("to", f.to),
    ]
}

pub(super) async fn run(api: &Api, json_output: bool, action: RemoteEvent) -> Result<(), Failure> {
    match action {
        RemoteEvent::List {
            filters: f,
            page,
            per_page,
        } => {
            let mut pairs = filters(f);
            pairs.push(("page", Some(page.to_string())));
            pairs.push(("per_page", Some(per_page.to_string())));
            let path = format!("/events{}", query_string(&pairs));
            let (value, _) = api.call(Method::GET, &path, None, None).await?;
            let found: EventsPage = decode(value.clone())?;
            show(json_output, &value, || {
                let lines: Vec<Vec<String>> = found
                    .rows
                    .iter()
                    .map(|e| {
                        vec![
                            e.id.to_string(),
                            e.at.clone(),
                            e.actor.clone(),
                            e.action.clone(),
                            e.object.clone(),
                            e.outcome.clone(),
                        ]
                    })
                    .collect();
                table(
                    &["Id", "At", "Actor", "Action", "Object", "Outcome"],
                    &lines,
                );
                let pages = found.page.count(found.total);
                eprintln!(
                    "page {} of {pages} ({} events match)",
                    found.page.number, found.total
                );
                Ok(())
            })
        }
        RemoteEvent::Export { filters: f } => {
            let text = api
                .get_text(&format!("/events.csv{}", query_string(&filters(f))))
                .await?;
            print!("{text}");
            Ok(())
        }
    }
}
