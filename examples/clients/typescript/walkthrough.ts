// A walk through Tandem's REST API from TypeScript: the types are generated from its OpenAPI
// description (openapi-typescript), the calls made with openapi-fetch.
//
//   npm ci
//   curl -o openapi.json https://tandem.example.org/api/v1/openapi.json
//   npm run generate && npm run build
//   TANDEM_URL=https://tandem.example.org TANDEM_TOKEN=tdm_… npm run walkthrough
//
// It lists the scopes, makes a reservation in the first failover scope and sees it on the
// partner, changes it and the scope with the ETags it read, reads the failover relationships
// and their states, previews a relationship's replication, and deletes the reservation: every
// change reaches both partners. It leaves the servers as it found them.

import createClient from "openapi-fetch";
import type { components, paths } from "./tandem-api.js";

type Problem = components["schemas"]["Problem"];
type Scope = components["schemas"]["Scope"];

const url = process.env.TANDEM_URL;
const token = process.env.TANDEM_TOKEN;
if (!url || !token) {
  throw new Error("set TANDEM_URL and TANDEM_TOKEN");
}
const tandem = createClient<paths>({
  baseUrl: `${url.replace(/\/$/, "")}/api/v1`,
  headers: { Authorization: `Bearer ${token}` },
});

const MAC = "02-00-5e-10-20-31";

/** The body of an answer that must have `status`; anything else stops the walk. */
function expect<T>(
  answer: { data?: T; error?: unknown; response: Response },
  status: number,
): T {
  if (answer.response.status !== status || answer.data === undefined) {
    const problem = answer.error as Problem | undefined;
    throw new Error(`expected ${status}, got ${answer.response.status}: ${problem?.detail ?? ""}`);
  }
  return answer.data;
}

function etag(response: Response): string {
  const tag = response.headers.get("ETag");
  if (!tag) throw new Error("no ETag");
  return tag;
}

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** The highest address of the scope's range that is neither reserved nor excluded. */
async function freeAddress(server: string, scope: string): Promise<string> {
  const view = expect(
    await tandem.GET("/servers/{server}/scopes/{scope}/reservations", {
      params: { path: { server, scope }, query: { per_page: 500 } },
    }),
    200,
  );
  const taken = new Set(view.reservations.map((r) => r.ip_address));
  const s: Scope = view.scope;
  const excluded = (s.exclusions ?? []).map((x) => [toNumber(x.start), toNumber(x.end)]);
  for (let n = toNumber(s.range.end); n > toNumber(s.range.start); n--) {
    if (!taken.has(toAddress(n)) && !excluded.some(([a, b]) => a <= n && n <= b)) {
      return toAddress(n);
    }
  }
  throw new Error(`scope ${scope} on ${server} has no free address`);
}

async function main(): Promise<void> {
  // The scopes, one page at a time; the first one in failover is the one to work in.
  const page = expect(await tandem.GET("/scopes", { params: { query: { sync: "in-sync" } } }), 200);
  console.log(`${page.total} scope(s) in sync`);
  const row = page.rows.find((r) => typeof r.partner === "string");
  if (!row || !row.partner) throw new Error("no failover scope in sync to work in");
  const { server, scope_id: scope, partner } = row;
  console.log(`working in ${scope} on ${server} (partner ${partner})`);

  // A reservation, made on both partners.
  const ip = await freeAddress(server, scope);
  const one = { path: { server, scope, ip } };
  const onPartner = { path: { server: partner, scope, ip } };
  expect(
    await tandem.POST("/servers/{server}/scopes/{scope}/reservations", {
      params: { path: { server, scope } },
      body: { ip_address: ip, client_id: MAC, name: "walkthrough-ts", description: "made by the TypeScript example" },
    }),
    201,
  );
  const copy = expect(await tandem.GET("/servers/{server}/scopes/{scope}/reservations/{ip}", { params: onPartner }), 200);
  if (copy.name !== "walkthrough-ts") throw new Error(`the partner holds ${copy.name}`);
  console.log(`reserved ${ip} on ${server} and its partner`);

  // Changed with the ETag it was read at; the partner follows; the old ETag is stale now.
  const read = await tandem.GET("/servers/{server}/scopes/{scope}/reservations/{ip}", { params: one });
  const readTag = etag(read.response);
  expect(
    await tandem.PUT("/servers/{server}/scopes/{scope}/reservations/{ip}", {
      params: { ...one, header: { "If-Match": readTag } },
      body: { ip_address: ip, client_id: MAC, name: "walkthrough-ts-renamed" },
    }),
    200,
  );
  const renamed = expect(await tandem.GET("/servers/{server}/scopes/{scope}/reservations/{ip}", { params: onPartner }), 200);
  if (renamed.name !== "walkthrough-ts-renamed") throw new Error(`the partner holds ${renamed.name}`);
  const stale = await tandem.PUT("/servers/{server}/scopes/{scope}/reservations/{ip}", {
    params: { ...one, header: { "If-Match": readTag } },
    body: { ip_address: ip, client_id: MAC, name: "stale" },
  });
  if (stale.response.status !== 412) throw new Error(`a stale ETag answered ${stale.response.status}`);
  console.log("renamed on both partners; a stale ETag was refused with 412");

  // The scope's description, changed with its ETag and put back the same way.
  const scopePath = { path: { server, scope } };
  const before = await tandem.GET("/servers/{server}/scopes/{scope}", { params: scopePath });
  const description = expect(before, 200).description;
  expect(
    await tandem.PUT("/servers/{server}/scopes/{scope}", {
      params: { ...scopePath, header: { "If-Match": etag(before.response) } },
      body: { description: "changed by the TypeScript example" },
    }),
    200,
  );
  const partnerScope = expect(
    await tandem.GET("/servers/{server}/scopes/{scope}", { params: { path: { server: partner, scope } } }),
    200,
  );
  if (partnerScope.description !== "changed by the TypeScript example") throw new Error("the partner's scope");
  const after = await tandem.GET("/servers/{server}/scopes/{scope}", { params: scopePath });
  expect(
    await tandem.PUT("/servers/{server}/scopes/{scope}", {
      params: { ...scopePath, header: { "If-Match": etag(after.response) } },
      body: { description },
    }),
    200,
  );
  console.log(`scope ${scope} described and put back, on both partners`);

  // The failover relationships and each server's state in them.
  const relationships = expect(await tandem.GET("/relationships", {}), 200);
  for (const r of relationships.rows) {
    const state = (s: components["schemas"]["ServerStatus"]) =>
      s.status === "State" ? s.state : `unreachable (${s.reason})`;
    console.log(
      `relationship ${r.relationship.name}: ${r.relationship.primary_server} ${state(r.primary_status)}, ` +
        `${r.relationship.secondary_server} ${state(r.secondary_status)}, ${r.sync_errors} sync error(s)`,
    );
  }
  const name = relationships.rows[0].relationship.name;
  const preview = expect(
    await tandem.GET("/servers/{server}/relationships/{name}/replicate", { params: { path: { server, name } } }),
    200,
  );
  const changes = preview.scopes.reduce((n, p) => n + (p.preview?.changes.length ?? 0), 0);
  console.log(`replicating ${name} from ${server} would change ${changes} thing(s) on the partner`);

  // Deleted with its ETag, from both partners.
  const last = await tandem.GET("/servers/{server}/scopes/{scope}/reservations/{ip}", { params: one });
  expect(
    await tandem.DELETE("/servers/{server}/scopes/{scope}/reservations/{ip}", {
      params: { ...one, header: { "If-Match": etag(last.response) } },
    }),
    200,
  );
  const gone = await tandem.GET("/servers/{server}/scopes/{scope}/reservations/{ip}", { params: onPartner });
  if (gone.response.status !== 404) throw new Error(`the partner still answers ${gone.response.status}`);
  console.log(`deleted ${ip} from both partners`);
}

await main();
