"""A walk through Tandem's REST API with a Python client generated from its description.

Generate the client, then run this against a Tandem (an API token from its API Tokens page):

    pip install -r requirements.txt
    curl -o openapi.json https://tandem.example.org/api/v1/openapi.json
    openapi-python-client generate --path openapi.json --meta none \
        --output-path tandem_client --config openapi-python-client.yml
    TANDEM_URL=https://tandem.example.org TANDEM_TOKEN=tdm_… python walkthrough.py

It lists the scopes, makes a reservation in the first failover scope and sees it on the
partner, changes it and the scope with the ETags it read, reads the failover relationships
and their states, previews a relationship's replication, and deletes the reservation: every
change reaches both partners. It leaves the servers as it found them.
"""

import os
import sys
from ipaddress import IPv4Address

from tandem_client import AuthenticatedClient
from tandem_client.api.failover import (
    list_relationships,
    preview_relationship_replication,
)
from tandem_client.api.reservations import (
    create_reservation,
    delete_reservation,
    get_reservation,
    list_reservations,
    update_reservation,
)
from tandem_client.api.scopes import get_scope, list_scopes, update_scope
from tandem_client.models import NewReservation, Problem, ScopeChange

MAC = "02-00-5e-10-20-30"


def expect(response, status):
    """The parsed body of a response that must have `status`; anything else stops the walk."""
    if response.status_code != status:
        detail = response.parsed.detail if isinstance(response.parsed, Problem) else ""
        sys.exit(
            f"expected {status}, got {response.status_code}: {detail or response.content!r}"
        )
    return response.parsed


def etag(response):
    return response.headers["etag"]


def free_address(client, server, scope_id):
    """The highest address of the scope's range that is neither reserved nor excluded."""
    view = expect(
        list_reservations.sync_detailed(server, scope_id, client=client, per_page=500),
        200,
    )
    taken = {r.ip_address for r in view.reservations}
    excluded = [
        (IPv4Address(x.start), IPv4Address(x.end)) for x in view.scope.exclusions
    ]
    ip = IPv4Address(view.scope.range_.end)
    while ip > IPv4Address(view.scope.range_.start):
        if str(ip) not in taken and not any(a <= ip <= b for a, b in excluded):
            return str(ip)
        ip -= 1
    sys.exit(f"scope {scope_id} on {server} has no free address")


def main():
    client = AuthenticatedClient(
        base_url=os.environ["TANDEM_URL"].rstrip("/") + "/api/v1",
        token=os.environ["TANDEM_TOKEN"],
    )

    # The scopes, one page at a time; the first one in failover is the one to work in.
    page = expect(list_scopes.sync_detailed(client=client, sync="in-sync"), 200)
    print(f"{page.total} scope(s) in sync")
    row = next((r for r in page.rows if isinstance(r.partner, str)), None)
    if row is None:
        sys.exit("no failover scope in sync to work in")
    server, scope_id, partner = row.server, row.scope_id, row.partner
    print(f"working in {scope_id} on {server} (partner {partner})")

    # A reservation, made on both partners.
    ip = free_address(client, server, scope_id)
    new = NewReservation(
        ip_address=ip,
        client_id=MAC,
        name="walkthrough",
        description="made by the Python example",
    )
    made = expect(
        create_reservation.sync_detailed(server, scope_id, client=client, body=new), 201
    )
    outcome = getattr(made.replication, "outcome", None)
    print(
        f"reserved {ip} on {server}; on the partner: {outcome.value if outcome else made.replication}"
    )
    on_partner = expect(
        get_reservation.sync_detailed(partner, scope_id, ip, client=client), 200
    )
    assert on_partner.name == "walkthrough", on_partner

    # Changed with the ETag it was read at; the partner follows.
    read = get_reservation.sync_detailed(server, scope_id, ip, client=client)
    renamed = NewReservation(ip_address=ip, client_id=MAC, name="walkthrough-renamed")
    expect(
        update_reservation.sync_detailed(
            server, scope_id, ip, client=client, body=renamed, if_match=etag(read)
        ),
        200,
    )
    on_partner = expect(
        get_reservation.sync_detailed(partner, scope_id, ip, client=client), 200
    )
    assert on_partner.name == "walkthrough-renamed", on_partner
    # The ETag read before that change is stale now: 412, with the reservation as it is.
    stale = update_reservation.sync_detailed(
        server, scope_id, ip, client=client, body=new, if_match=etag(read)
    )
    assert stale.status_code == 412, stale.status_code
    print("renamed on both partners; a stale ETag was refused with 412")

    # The scope's description, changed with its ETag and put back the same way.
    read = get_scope.sync_detailed(server, scope_id, client=client)
    scope = expect(read, 200)
    before = scope.description
    expect(
        update_scope.sync_detailed(
            server,
            scope_id,
            client=client,
            body=ScopeChange(description="changed by the Python example"),
            if_match=etag(read),
        ),
        200,
    )
    assert (
        expect(
            get_scope.sync_detailed(partner, scope_id, client=client), 200
        ).description
        == "changed by the Python example"
    )
    read = get_scope.sync_detailed(server, scope_id, client=client)
    expect(
        update_scope.sync_detailed(
            server,
            scope_id,
            client=client,
            body=ScopeChange(description=before),
            if_match=etag(read),
        ),
        200,
    )
    print(f"scope {scope_id} described and put back, on both partners")

    # The failover relationships and each server's state in them.
    relationships = expect(list_relationships.sync_detailed(client=client), 200)
    for r in relationships.rows:
        states = [
            getattr(s, "state", None) or f"unreachable ({s.reason})"
            for s in (r.primary_status, r.secondary_status)
        ]
        print(
            f"relationship {r.relationship.name}: {r.relationship.primary_server} {states[0]}, "
            f"{r.relationship.secondary_server} {states[1]}, {r.sync_errors} sync error(s)"
        )
    name = relationships.rows[0].relationship.name
    preview = expect(
        preview_relationship_replication.sync_detailed(server, name, client=client), 200
    )
    changes = sum(len(p.preview.changes) for p in preview.scopes if p.preview)
    print(
        f"replicating {name} from {server} would change {changes} thing(s) on the partner"
    )

    # Deleted with its ETag, from both partners.
    read = get_reservation.sync_detailed(server, scope_id, ip, client=client)
    expect(
        delete_reservation.sync_detailed(
            server, scope_id, ip, client=client, if_match=etag(read)
        ),
        200,
    )
    gone = get_reservation.sync_detailed(partner, scope_id, ip, client=client)
    assert gone.status_code == 404, gone.status_code
    print(f"deleted {ip} from both partners")


if __name__ == "__main__":
    main()
