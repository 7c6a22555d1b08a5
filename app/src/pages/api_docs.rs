//! API Reference: the REST API's OpenAPI description (the very document served at
//! `/api/v1/openapi.json`) as a page, by tag: each route with its parameters, body and
//! answers, then every schema with its fields. Rendered by the server like every page, so it
//! reads with no script, no style and no font from anywhere but Tandem.

use crate::api::tokens::api_description;
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let description = Resource::new(|| (), |_| api_description());
    view! {
        <h1>"API Reference"</h1>
        <p class="muted">
            "Tandem's REST API, under " <code>"/api/v1"</code> ". Authenticate with a token from "
            <a href="/tokens">"API Tokens"</a> " as " <code>"Authorization: Bearer <token>"</code>
            ". The same description, for tools: "
            <a href="/api/v1/openapi.json" id="openapi-json">"openapi.json"</a> " (OpenAPI 3.1)."
        </p>
        <Transition fallback=|| view! { <p class="muted">"Reading the description…"</p> }>
            {move || {
                description
                    .get()
                    .map(|result| match result
                        .map_err(|e| e.to_string())
                        .and_then(|text| serde_json::from_str::<Value>(&text).map_err(|e| e.to_string()))
                    {
                        Ok(api) => reference(&api).into_any(),
                        Err(e) => view! { <p class="notice notice-failed">{e}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// The whole reference: a contents list by tag, the operations, the schemas.
fn reference(api: &Value) -> impl IntoView + use<> {
    let tags: Vec<(String, String)> = api["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| (text(&t["name"]), text(&t["description"])))
                .collect()
        })
        .unwrap_or_default();
    let operations = operations(api);
    let contents = tags
        .iter()
        .map(|(name, about)| {
            let count = operations.iter().filter(|o| &o.tag == name).count();
            view! {
                <li>
                    <a href=format!("#tag-{name}")>{name.clone()}</a>
                    {format!(" ({count}): {about}")}
                </li>
            }
        })
        .collect_view();
    let sections = tags
        .into_iter()
        .map(|(name, about)| {
            let ops = operations
                .iter()
                .filter(|o| o.tag == name)
                .map(operation_view)
                .collect_view();
            view! {
                <section class="api-tag" id=format!("tag-{name}")>
                    <h2>{name.clone()}</h2>
                    <p class="muted">{about}</p>
                    {ops}
                </section>
            }
        })
        .collect_view();
    let schemas = api["components"]["schemas"].as_object().map(|all| {
        all.iter()
            .map(|(name, schema)| schema_view(name, schema))
            .collect_view()
    });
    view! {
        <p class="muted">{prose(&text(&api["info"]["description"]))}</p>
        <p class="muted">
            "Every refusal is an " <a href="#schema-ErrorBody">"ErrorBody"</a>
            " (" <code>"error"</code> ", and " <code>"fields"</code>
            " with each refused field's reason). Each route lists the codes it may answer; "
            "hover one for its meaning."
        </p>
        <nav class="api-contents" aria-label="API contents">
            <ul>
                {contents}
                <li><a href="#schemas">"Schemas"</a></li>
            </ul>
        </nav>
        {sections}
        <section class="api-schemas" id="schemas">
            <h2>"Schemas"</h2>
            {schemas}
        </section>
    }
}

/// One route and method, as described.
struct Operation {
    tag: String,
    method: &'static str,
    path: String,
    op: Value,
}

fn operations(api: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    if let Some(paths) = api["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                let op = &item[method];
                if op.is_object() {
                    out.push(Operation {
                        tag: text(&op["tags"][0]),
                        method,
                        path: path.clone(),
                        op: op.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Text whose `backquoted` parts are code.
fn prose(s: &str) -> AnyView {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect::<Vec<_>>()
        .into_any()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// An id for an operation's anchor: `get-servers-server-scopes`.
fn anchor(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for part in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !part.is_empty() {
            id.push('-');
            id.push_str(part);
        }
    }
    id
}

fn operation_view(o: &Operation) -> impl IntoView + use<> {
    let op = &o.op;
    let id = anchor(o.method, &o.path);
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let params = (!params.is_empty()).then(|| {
        let rows = params
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td data-label="Name"><code>{text(&p["name"])}</code></td>
                        <td data-label="In">{text(&p["in"])}</td>
                        <td data-label="Type">{type_of(&p["schema"])}</td>
                        <td data-label="Required">{if p["required"].as_bool() == Some(true) { "yes" } else { "no" }}</td>
                        <td data-label="Description">{prose(&text(&p["description"]))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h4>"Parameters"</h4>
            <div class="table-wrap">
                <table class="grid api-fields">
                    <thead>
                        <tr>
                            <th>"Name"</th>
                            <th>"In"</th>
                            <th>"Type"</th>
                            <th>"Required"</th>
                            <th>"Description"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let body = op["requestBody"]["content"].as_object().map(|content| {
        let kinds = content
            .iter()
            .map(|(kind, c)| {
                view! {
                    <li>
                        <code>{kind.clone()}</code>
                        ": "
                        {type_of(&c["schema"])}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h4>"Body"</h4>
            <ul class="api-list">{kinds}</ul>
        }
    });
    let all = op["responses"].as_object().cloned().unwrap_or_default();
    let answers = all
        .iter()
        .filter(|(status, _)| !status.starts_with(['4', '5']))
        .map(|(status, r)| {
            let schema = r["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(kind, c)| {
                    view! {
                        " "
                        <code>{kind.clone()}</code>
                        " "
                        {type_of(&c["schema"])}
                    }
                });
            view! {
                <li class="api-ok">
                    <strong>{status.clone()}</strong>
                    " "
                    {prose(&text(&r["description"]))}
                    {schema}
                </li>
            }
        })
        .collect_view();
    // Refusals all carry an ErrorBody: their codes, each explained on hover and at the top.
    let refusals = all
        .iter()
        .filter(|(status, _)| status.starts_with(['4', '5']))
        .map(|(status, r)| {
            view! {
                " "
                <abbr title=text(&r["description"])>{status.clone()}</abbr>
            }
        })
        .collect_view();
    let summary = text(&op["summary"]);
    let more = text(&op["description"]);
    view! {
        <article class="api-op" id=id>
            <h3>
                <span class=format!("api-method api-{}", o.method)>{o.method.to_uppercase()}</span>
                " "
                <code class="api-path">{format!("/api/v1{}", o.path)}</code>
            </h3>
            <p>{prose(&summary)}</p>
            {(!more.is_empty()).then(|| view! { <p class="muted">{prose(&more)}</p> })}
            {params}
            {body}
            <h4>"Answers"</h4>
            <ul class="api-list">{answers}</ul>
            <p class="api-refusals">
                "Refusals (" <a href="#schema-ErrorBody">"ErrorBody"</a> "):" {refusals}
            </p>
        </article>
    }
}

/// A schema's type in a few words, with a link for a named one.
fn type_of(schema: &Value) -> AnyView {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or(r).to_string();
        return view! { <a href=format!("#schema-{name}")>{name.clone()}</a> }.into_any();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = schema[combinator].as_array() {
            let joiner = if combinator == "allOf" {
                " and "
            } else {
                " or "
            };
            let parts: Vec<AnyView> = items.iter().map(type_of).collect();
            let mut out = Vec::new();
            for (i, p) in parts.into_iter().enumerate() {
                if i > 0 {
                    out.push(joiner.into_any());
                }
                out.push(p);
            }
            return out.into_any();
        }
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => String::new(),
    };
    if kind.starts_with("array") {
        return view! { "array of " {type_of(&schema["items"])} }.into_any();
    }
    let format = schema["format"]
        .as_str()
        .map(|f| format!(" ({f})"))
        .unwrap_or_default();
    let choices = schema["enum"]
        .as_array()
        .map(|e| {
            let words: Vec<String> = e.iter().map(|v| v.to_string()).collect();
            format!(": {}", words.join(", "))
        })
        .unwrap_or_default();
    let kind = if kind.is_empty() {
        "any".to_string()
    } else {
        kind
    };
    format!("{kind}{format}{choices}").into_any()
}

fn schema_view(name: &str, schema: &Value) -> impl IntoView + use<> {
    let required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| r.iter().map(text).collect())
        .unwrap_or_default();
    let fields = schema["properties"].as_object().map(|props| {
        let rows = props
            .iter()
            .map(|(field, s)| {
                view! {
                    <tr>
                        <td data-label="Field"><code>{field.clone()}</code></td>
                        <td data-label="Type">{type_of(s)}</td>
                        <td data-label="Required">{if required.contains(field) { "yes" } else { "no" }}</td>
                        <td data-label="Description">{prose(&text(&s["description"]))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="grid api-fields">
                    <thead>
                        <tr>
                            <th>"Field"</th>
                            <th>"Type"</th>
                            <th>"Required"</th>
                            <th>"Description"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    // A schema with no fields of its own (a string, a choice, a combination): its type.
    let shape = fields.is_none().then(|| view! { <p>{type_of(schema)}</p> });
    view! {
        <article class="api-schema" id=format!("schema-{name}")>
            <h3><code>{name.to_string()}</code></h3>
            <p class="muted">{prose(&text(&schema["description"]))}</p>
            {fields}
            {shape}
        </article>
    }
}
