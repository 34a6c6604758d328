"""A PrestaShop-shaped fake store, seeded from the real captures, behind httpx.MockTransport.

It answers as the real 8.2.1 store did (shared/prestashop-real/NOTES.md): JSON reads with
`output_format=JSON` (numbers for `id` in lists, strings elsewhere, a bare `[]` for an
empty list, `{"order": {...}}` for a single GET), `display=full` / `display=[a,b]`,
`filter[f]=[a|b]`, ranges `[a,b]`, `>[x]`, `<[x]`, `%[x]%`, `date=1` required on date
filters (else the 500 code 32 the store gives), `sort=[f_ASC|DESC]`, `limit=n` and
`limit=offset,count`, no totals. Writes must be XML (a JSON body is the 500 code 127
answer); a missing field is 400 code 41; an unknown order is a 404 with an empty body; a
wrong key is the captured 401. Every write is recorded in `writes`, every request in
`requests`.

Seed: the store as the captures left it (orders_list_full_final_json, customers, the
Doe address, carriers, order states, order 9's details, payments, credit slip 1, order
histories, order carriers 6 and 7, the thread on order 9, the private note on order 7,
stock). Not captured, made in the same shape: the address of John DOE (id 5, used by
orders 1-5), currencies (1 = USD) and countries (21 = US).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from tests.prestashop.captures import load

KEY = "TESTKEY0123456789ABCDEFGHIJKLMNO"
NOW = "2026-11-23 13:20:00"

_PLURAL = {
    "order_slip": "order_slips",
}
_SINGULAR = {
    "orders": "order",
    "order_states": "order_state",
    "customers": "customer",
    "addresses": "address",
    "carriers": "carrier",
    "currencies": "currency",
    "countries": "country",
    "order_details": "order_detail",
    "order_payments": "order_payment",
    "order_slip": "order_slip",
    "order_histories": "order_history",
    "order_carriers": "order_carrier",
    "customer_threads": "customer_thread",
    "customer_messages": "customer_message",
    "messages": "message",
    "stock_availables": "stock_available",
    "products": "product",
}
_DATE_FIELDS = {"date_add", "date_upd"}
_RANGE = re.compile(r"^\[(?P<a>[^,\]]*),(?P<b>[^\]]*)\]$")
_ANY = re.compile(r"^\[(?P<v>[^\]]*)\]$")


def _errors(status: int, *entries: tuple[int, str]) -> httpx.Response:
    body = {"errors": [{"code": code, "message": message} for code, message in entries]}
    return httpx.Response(status, json=body)


@dataclass
class Write:
    method: str
    resource: str
    params: dict[str, str]
    fields: dict[str, str]


@dataclass
class FakePrestaShop:
    """The store's tables (resource → id → entry, all values strings as stored)."""

    tables: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    writes: list[Write] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    key: str = KEY
    clock: str = NOW

    @classmethod
    def seeded(cls) -> FakePrestaShop:
        store = cls()

        def put(resource: str, entries: list[Mapping[str, Any]]) -> None:
            table = store.tables.setdefault(resource, {})
            for entry in entries:
                table[int(entry["id"])] = {k: v for k, v in entry.items()}

        put("orders", load("orders_list_full_final_json").json()["orders"])
        put("order_states", load("order_states_full_json").json()["order_states"])
        put("customers", load("customers_full_json").json()["customers"])
        put("addresses", load("addresses_customer3_json").json()["addresses"])
        put("addresses", [{
            "id": 5, "id_customer": "2", "id_country": "21", "id_state": "0",
            "alias": "Mon adresse",
            "company": "My Company", "lastname": "DOE", "firstname": "John",
            "address1": "16, Main street", "address2": "2nd floor", "postcode": "33133",
            "city": "Miami", "other": "", "phone": "0102030405", "phone_mobile": "",
            "deleted": "0", "date_add": "2026-11-23 13:07:28", "date_upd": "2026-11-23 13:07:28",
        }])
        put("carriers", load("carriers_json").json()["carriers"])
        put("currencies", [{"id": 1, "iso_code": "USD", "name": "US Dollar"}])
        put("countries", [{"id": 21, "iso_code": "US", "name": "United States"}])
        put("order_details", load("order_details_order9_json").json()["order_details"])
        put("order_payments", load("order_payments_full_json").json()["order_payments"])
        put("order_slip", load("order_slip_list_full_json").json()["order_slips"])
        put("order_histories", load("order_histories_order6_after_json").json()["order_histories"])
        put("order_histories", load("order_histories_order9_before_json").json()["order_histories"])
        put("order_carriers", load("order_carriers_order6_before_json").json()["order_carriers"])
        put("order_carriers", [load("order_carriers_patch_tracking_json").json()["order_carrier"]])
        put("customer_threads", load("customer_threads_order9_json").json()["customer_threads"])
        put("customer_messages", load("customer_messages_thread_json").json()["customer_messages"])
        put("messages", load("messages_order7_xml").data()["messages"])
        stock = load("stock_availables_before_orders_json").json()["stock_availables"]
        put("stock_availables", stock)
        put("products", load("products_list_json").json()["products"])
        return store

    # ------------------------------------------------------------------ transport

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        auth = request.headers.get("authorization", "")
        given = request.url.params.get("ws_key")
        if not auth and not given:
            return load("err_401_no_key_json").response(request)
        expected = "Basic " + base64.b64encode(f"{self.key}:".encode()).decode()
        if auth != expected and given != self.key:
            return load("err_401_bad_key_json").response(request)
        parts = request.url.path.removeprefix("/api/").strip("/").split("/")
        resource = parts[0]
        if resource not in _SINGULAR:
            return _errors(400, (27, f'Resource of type "{resource}" does not exists.'))
        params = dict(request.url.params)
        entry_id = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        if request.method == "GET":
            return self._get(resource, entry_id, params)
        return self._write(request, resource, entry_id, params)

    # ------------------------------------------------------------------ reads

    def _get(self, resource: str, entry_id: int | None, params: dict[str, str]) -> httpx.Response:
        table = self.tables.get(resource, {})
        if entry_id is not None:
            entry = table.get(entry_id)
            if entry is None:
                return httpx.Response(404)
            if "display" in params:
                return self._list(resource, [entry], params)
            return httpx.Response(200, json={_SINGULAR[resource]: self._shown(entry, None)})
        filters = {k[7:-1]: v for k, v in params.items() if k.startswith("filter[")}
        rows = list(table.values())
        for name, expression in filters.items():
            if name in _DATE_FIELDS and params.get("date") != "1":
                return _errors(500, (32, "This filter does not exist."))
            if rows and name not in rows[0] and name != "id":
                return _errors(500, (32, f'This filter does not exist. ("{name}")'))
            rows = [r for r in rows if self._matches(str(r.get(name, "")), expression)]
        if "sort" in params:
            for key in reversed(params["sort"].strip("[]").split(",")):
                name, _, direction = key.rpartition("_")
                numeric = name == "id" or name.startswith("id_")
                rows.sort(
                    key=lambda r, n=name, num=numeric: int(r.get(n) or 0) if num else str(r.get(n)),
                    reverse=direction == "DESC",
                )
        else:
            rows.sort(key=lambda r: int(r["id"]))
        if "limit" in params:
            offset, _, count = params["limit"].rpartition(",")
            start = int(offset or 0)
            rows = rows[start : start + int(count)]
        return self._list(resource, rows, params)

    @staticmethod
    def _matches(value: str, expression: str) -> bool:
        if expression.startswith(">[") or expression.startswith("<["):
            bound = expression[2:-1]
            return value > bound if expression[0] == ">" else value < bound
        if expression.startswith("%[") and expression.endswith("]%"):
            return expression[2:-2].lower() in value.lower()
        if (match := _RANGE.match(expression)) and "|" not in expression:
            return match["a"] <= value <= match["b"]
        if match := _ANY.match(expression):
            return value in match["v"].split("|")
        return value == expression

    def _shown(self, entry: Mapping[str, Any], display: str | None) -> dict[str, Any]:
        shown = copy.deepcopy(dict(entry))
        if display and display != "full":
            wanted = set(display.strip("[]").split(","))
            shown = {k: v for k, v in shown.items() if k in wanted or k == "id"}
        return shown

    def _list(self, resource: str, rows: list[dict[str, Any]], params: dict[str, str]):
        if not rows:
            return httpx.Response(200, json=[])
        display = params.get("display")
        shown = [
            self._shown(r, display) if display else {"id": int(r["id"])} for r in rows
        ]
        for entry in shown:
            entry["id"] = int(entry["id"])
        return httpx.Response(200, json={_PLURAL.get(resource, resource): shown})

    # ------------------------------------------------------------------ writes

    def _write(
        self, request: httpx.Request, resource: str, entry_id: int | None, params: dict[str, str]
    ) -> httpx.Response:
        try:
            root = ET.fromstring(request.content)
        except ET.ParseError:
            return _errors(500, (127, "XML error : String could not be parsed as XML"))
        node = root[0] if root.tag == "prestashop" and len(root) else root
        fields = {child.tag: (child.text or "") for child in node if not len(child)}
        self.writes.append(Write(request.method, resource, params, fields))
        table = self.tables.setdefault(resource, {})
        if request.method == "POST":
            return self._create(resource, table, fields, params)
        if request.method in ("PATCH", "PUT") and entry_id is not None:
            entry = table.get(entry_id)
            if entry is None:
                return httpx.Response(404)
            entry.update({k: v for k, v in fields.items() if k != "id"})
            if resource == "order_carriers" and "tracking_number" in fields:
                order = self.tables["orders"].get(int(entry["id_order"]))
                if order is not None:
                    order["shipping_number"] = fields["tracking_number"]
                    order["date_upd"] = self.tick()
            if resource == "orders" and "current_state" in fields:
                entry["date_upd"] = self.tick()
            answer = {k: str(v) for k, v in entry.items() if k != "associations"}
            return httpx.Response(200, json={_SINGULAR[resource]: answer})
        return _errors(405, (101, f"Method {request.method} is not allowed"))

    _REQUIRED = {
        "order_histories": ("id_order", "id_order_state"),
        "customer_threads": ("id_lang", "id_contact", "token"),
        "customer_messages": ("message",),
        "messages": ("message",),
    }

    def tick(self) -> str:
        """The store's clock moves one second per write (dates are to the second)."""
        moment = datetime.strptime(self.clock, "%Y-%m-%d %H:%M:%S")
        self.clock = moment.replace(second=(moment.second + 1) % 60).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
        if self.clock.endswith(":00"):
            self.clock = moment.replace(minute=moment.minute + 1, second=0).strftime(
                "%Y-%m-%d %H:%M:%S"
            )
        return self.clock

    def _create(
        self,
        resource: str,
        table: dict[int, dict[str, Any]],
        fields: dict[str, str],
        params: dict[str, str],
    ) -> httpx.Response:
        for name in self._REQUIRED.get(resource, ()):
            if not fields.get(name):
                return _errors(400, (41, f'parameter "{name}" required'))
        new_id = max(table, default=0) + 1
        now = self.tick()
        entry: dict[str, Any] = {"id": new_id, **fields, "date_add": now}
        if resource in ("customer_threads", "customer_messages"):
            entry["date_upd"] = now
        if resource == "customer_messages":
            entry.setdefault("private", "0")
            entry.setdefault("id_employee", "0")
        table[new_id] = entry
        if resource == "order_histories":
            order = self.tables["orders"].get(int(fields["id_order"]))
            if order is None:
                return _errors(400, (0, "order not found"))
            order["current_state"] = fields["id_order_state"]
            order["date_upd"] = now
        answer = {k: v for k, v in entry.items() if v not in ("", "0", 0)}
        answer["id"] = str(new_id)
        return httpx.Response(201, json={_SINGULAR[resource]: answer})

    # ------------------------------------------------------------------ test helpers

    def written(self, resource: str, method: str = "POST") -> list[Write]:
        return [w for w in self.writes if w.resource == resource and w.method == method]

    def set_state(self, order_id: int, state_id: int) -> None:
        """Someone in the back office moves an order (the feed should see it)."""
        order = self.tables["orders"][order_id]
        order["current_state"] = str(state_id)
        order["date_upd"] = self.tick()


def body_json(response: httpx.Response) -> Any:
    return json.loads(response.content) if response.content else None
