"""Order notes and the outbox of emails the shop would send."""

from __future__ import annotations

from typing import Any

import httpx

from shop.outbox import read_outbox
from tests.shop.conftest import READ, Sql, make_client, new_order


async def test_status_changes_write_woocommerce_notes(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    for status in ("on-hold", "processing", "completed", "cancelled", "failed"):
        response = await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": status})
        assert response.status_code == 200
    notes = (await client.get(f"/wp-json/wc/v3/orders/{order['id']}/notes")).json()
    texts = [n["note"] for n in notes if n["note"].startswith("Order status")]
    assert set(texts) == {
        "Order status changed from Pending payment to On hold.",
        "Order status changed from On hold to Processing.",
        "Order status changed from Processing to Completed.",
        "Order status changed from Completed to Cancelled.",
        "Order status changed from Cancelled to Failed.",
    }
    assert {n["author"] for n in notes} == {"WooCommerce"}


async def test_notes_list_newest_first_and_by_type(client: httpx.AsyncClient) -> None:
    order = await new_order(client, status="processing")
    url = f"/wp-json/wc/v3/orders/{order['id']}/notes"
    private = await client.post(url, json={"note": "Internal: checked.", "customer_note": False})
    public = await client.post(
        url, json={"note": "Your parcel ships today.", "customer_note": True}
    )
    assert (private.status_code, public.status_code) == (201, 201)
    assert public.headers["location"].endswith(f"{url}/{public.json()['id']}")
    listed = await client.get(url)
    assert "x-wp-total" not in listed.headers
    body = listed.json()
    # Same second: in the order written (as captured); older seconds after.
    stamps = [n["date_created_gmt"] for n in body]
    assert stamps == sorted(stamps, reverse=True)
    customer = (await client.get(url, params={"type": "customer"})).json()
    assert [n["note"] for n in customer] == ["Your parcel ships today."]
    internal = (await client.get(url, params={"type": "internal"})).json()
    assert all(not n["customer_note"] for n in internal)
    bad = await client.get(url, params={"type": "bogus"})
    assert bad.status_code == 400


async def test_added_by_user_is_attributed_to_the_key_user(client: httpx.AsyncClient) -> None:
    order = await new_order(client)
    url = f"/wp-json/wc/v3/orders/{order['id']}/notes"
    mine = (await client.post(url, json={"note": "By me", "added_by_user": True})).json()
    system = (await client.post(url, json={"note": "Plain"})).json()
    assert mine["author"] == "orderdesk"
    assert system["author"] == "WooCommerce"
    assert mine["date_created"] != mine["date_created_gmt"]  # Europe/Paris vs UTC


async def test_customer_note_queues_email(client: httpx.AsyncClient, db: Any) -> None:
    order = await new_order(client)
    before = len(read_outbox(db, order["id"]))
    await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/notes",
        json={"note": "Votre colis est parti — merci !", "customer_note": True},
    )
    await client.post(
        f"/wp-json/wc/v3/orders/{order['id']}/notes",
        json={"note": "private", "customer_note": False},
    )
    emails = read_outbox(db, order["id"])
    assert len(emails) == before + 1
    email = emails[-1]
    assert email["kind"] == "customer_note"
    assert email["recipient"] == "elodie@example.fr"
    assert email["subject"].startswith("Note added to your orderdesk demo shop order from ")
    assert "Votre colis est parti — merci !" in email["body"]
    assert set(email) == {
        "id",
        "order_id",
        "recipient",
        "subject",
        "body",
        "kind",
        "created_at_gmt",
    }


async def test_status_emails(client: httpx.AsyncClient, db: Any) -> None:
    order = await new_order(client)
    for status in ("processing", "completed"):
        await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": status})
    emails = read_outbox(db, order["id"])
    assert [(e["kind"], e["subject"]) for e in emails] == [
        ("customer_processing_order", "Your orderdesk demo shop order has been received!"),
        ("customer_completed_order", "Your orderdesk demo shop order is now complete"),
    ]


async def test_no_email_without_billing_address(client: httpx.AsyncClient, db: Any) -> None:
    order = await new_order(client, billing={"first_name": "Walk-in", "email": ""})
    await client.put(f"/wp-json/wc/v3/orders/{order['id']}", json={"status": "completed"})
    assert read_outbox(db, order["id"]) == []


async def test_note_get_delete_and_errors(client: httpx.AsyncClient, sql: Sql) -> None:
    order = await new_order(client)
    url = f"/wp-json/wc/v3/orders/{order['id']}/notes"
    note = (await client.post(url, json={"note": "temp"})).json()
    assert (await client.get(f"{url}/{note['id']}")).json()["note"] == "temp"
    no_force = await client.delete(f"{url}/{note['id']}")
    assert (no_force.status_code, no_force.json()["code"]) == (
        501,
        "woocommerce_rest_trash_not_supported",
    )
    deleted = await client.delete(f"{url}/{note['id']}", params={"force": "true"})
    assert deleted.json()["id"] == note["id"]
    missing = await client.get(f"{url}/{note['id']}")
    assert missing.json() == {
        "code": "woocommerce_rest_invalid_id",
        "message": "Invalid resource ID.",
        "data": {"status": 404},
    }
    no_text = await client.post(url, json={"customer_note": True})
    assert (no_text.status_code, no_text.json()["code"]) == (400, "rest_missing_callback_param")
    unknown_order = await client.post("/wp-json/wc/v3/orders/999999/notes", json={"note": "x"})
    assert unknown_order.status_code == 404
    assert sql.value("SELECT COUNT(*) FROM order_notes WHERE order_id = 999999") == 0


async def test_read_only_key_cannot_add_notes(app: Any) -> None:
    async with make_client(app, READ) as reader:
        order_id = (await reader.get("/wp-json/wc/v3/orders")).json()[0]["id"]
        response = await reader.post(
            f"/wp-json/wc/v3/orders/{order_id}/notes", json={"note": "nope"}
        )
    assert response.status_code == 401
    assert response.json()["message"] == "The API key provided does not have write permissions."
