"""The reference shop as an ASGI app: one dispatcher in front of the route table.

Why a single catch-all route instead of Starlette's router: WordPress checks things in an
order clients can observe, and the shop reproduces it —

1. body size (413 before the body is read, where `Content-Length` tells);
2. authentication (a wrong secret or bad signature is a 401 even on an unknown route) and
   the key's read/write permission;
3. the route (`rest_no_route` 404, also for a known path with another method);
4. the endpoint's permission (no key: 401 "Sorry, you cannot list resources.");
5. the handler, in a worker thread with its own SQLite connection, inside one transaction
   (`BEGIN IMMEDIATE` for writes, with the `Idempotency-Key` lookup and store in it).

Any unexpected exception becomes a JSON 500 `orderdesk_internal_error`; no traceback ever
reaches a client.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from anyio import CapacityLimiter, to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from shop import idempotency
from shop.auth import authenticate, check_permission
from shop.context import Ctx
from shop.db import Store, init_db, open_connection, read_tx, write_tx
from shop.errors import ApiError, not_found_route
from shop.keys import ApiKey
from shop.request import Call, PhpQuery, Reply, base_name, dumps
from shop.routes import PERMISSION_ERRORS, Route, match
from shop.settings import Settings

log = logging.getLogger("shop")

JSON_TYPE = "application/json; charset=UTF-8"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
#: Query parameters that authenticate a request; they vary per request, so an idempotent
#: replay is recognised without them.
AUTH_PARAMS = frozenset(
    {
        "consumer_key",
        "consumer_secret",
        "oauth_consumer_key",
        "oauth_nonce",
        "oauth_signature",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_version",
    }
)


#: Handler threads (each with its own SQLite connection). Why not anyio's default 40: the
#: handlers' Python holds the GIL, so beyond a few threads more only contend for it, and
#: each connection keeps its own memo of counts and page boundaries (`db.snapshot_memo`),
#: which 40 connections would each have to fill (a 100,000-order count costs ~60 ms).
#: SQLite releases the GIL while it works, so a few threads still overlap with Python.
WORKER_THREADS = 8


@dataclass(frozen=True, slots=True)
class Incoming:
    """The parts of an HTTP request the worker thread needs."""

    method: str
    path: str
    raw_path: str
    query_string: str
    headers: dict[str, str]
    base_url: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Outgoing:
    status: int
    headers: dict[str, str]
    content: bytes


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "orderdesk_request_too_large",
        f"The request body is larger than the {limit} bytes this shop accepts.",
    )


class Shop:
    """The dispatcher; one per app, holding the store and the settings read at start."""

    def __init__(self, db_path: str | Path, max_body: int) -> None:
        init_db(db_path)
        self.store = Store(db_path)
        self.max_body = max_body
        #: Made on the first request (it belongs to the serving event loop).
        self._limiter: CapacityLimiter | None = None
        conn = open_connection(db_path)
        try:
            self.settings = Settings.load(conn)
        finally:
            conn.close()

    async def endpoint(self, request: Request) -> Response:
        if self._limiter is None:
            self._limiter = CapacityLimiter(WORKER_THREADS)
        host = request.headers.get("host") or request.url.netloc
        base_url = f"{request.url.scheme}://{host}"
        try:
            body = await self._read_body(request)
            incoming = Incoming(
                method=request.method.upper(),
                path=request.url.path,
                raw_path=request.scope.get("raw_path", b"").decode("latin-1").split("?")[0]
                or request.url.path,
                query_string=request.scope.get("query_string", b"").decode("latin-1"),
                headers={k.lower(): v for k, v in request.headers.items()},
                base_url=base_url,
                body=body,
            )
            out = await to_thread.run_sync(self.process, incoming, limiter=self._limiter)
        except ApiError as error:
            out = self._error(error)
        except Exception:
            log.exception("unexpected error answering %s %s", request.method, request.url.path)
            out = self._internal_error()
        headers = {
            "Link": f'<{base_url}/wp-json/>; rel="https://api.w.org/"',
            "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
            **out.headers,
        }
        return Response(out.content, status_code=out.status, headers=headers, media_type=JSON_TYPE)

    async def _read_body(self, request: Request) -> bytes:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            raise _too_large(self.max_body)
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise _too_large(self.max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _error(error: ApiError) -> Outgoing:
        return Outgoing(error.status, {}, dumps(error.body()))

    @staticmethod
    def _internal_error() -> Outgoing:
        body = {
            "code": "orderdesk_internal_error",
            "message": "The shop hit an unexpected error; nothing was changed.",
            "data": {"status": 500},
        }
        return Outgoing(500, {}, dumps(body))

    def process(self, incoming: Incoming) -> Outgoing:
        """Everything after the body is read; runs in a worker thread."""
        allow: dict[str, str] = {}
        try:
            return self._process(incoming, allow)
        except ApiError as error:
            out = self._error(error)
            return Outgoing(out.status, allow, out.content)
        except Exception:
            log.exception("unexpected error answering %s %s", incoming.method, incoming.path)
            return self._internal_error()

    def _process(self, incoming: Incoming, allow: dict[str, str]) -> Outgoing:
        query = PhpQuery.parse(incoming.query_string)
        method = incoming.method
        if method == "POST":
            override = incoming.headers.get("x-http-method-override") or query.get("_method")
            if override and override.upper() in ("PUT", "PATCH", "DELETE"):
                method = override.upper()
        lookup = "GET" if method == "HEAD" else method

        with_keys = True
        if incoming.path == "/wp-json" or incoming.path.startswith("/wp-json/"):
            rest_path = incoming.path[len("/wp-json") :] or "/"
        elif incoming.path in ("", "/") and query.get("rest_route"):
            # WooCommerce only checks API keys on URIs containing `wp-json/wc/`.
            rest_path = query.get("rest_route") or "/"
            query = query.without("rest_route")
            with_keys = False
        else:
            raise not_found_route()

        conn = self.store.conn()
        content_type = incoming.headers.get("content-type", "")
        form = (
            dict(parse_qsl(incoming.body.decode("utf-8", "replace"), keep_blank_values=True))
            if "application/x-www-form-urlencoded" in content_type
            else {}
        )
        key: ApiKey | None = None
        if with_keys and rest_path.startswith("/wc/"):
            key = authenticate(
                conn,
                method=method,
                url=incoming.base_url.lower() + incoming.raw_path,
                query=query,
                form=form,
                authorization=incoming.headers.get("authorization", ""),
            )
            if key is not None:
                check_permission(key, method)

        found = match(rest_path)
        if found is None:
            raise not_found_route()
        route, params = found
        allow["Allow"] = ", ".join(m for m in ALL_METHODS if m in route.methods)
        if lookup == "OPTIONS":
            return Outgoing(200, allow, dumps(self._options(route)))
        endpoint = route.methods.get(lookup)
        if endpoint is None:
            raise not_found_route()
        if endpoint.permission != "public" and key is None:
            code, message = PERMISSION_ERRORS[endpoint.permission]
            raise ApiError(401, code, message)

        body = self._json_body(incoming.body, content_type, form)
        call = Call(
            method=method,
            path=incoming.path,
            route=params,
            query=query,
            body=body,
            key=key,
            base_url=incoming.base_url,
            settings=self.settings,
            conn=conn,
            headers=incoming.headers,
        )
        if endpoint.writes:
            assert key is not None  # writes are never public
            status, headers, content = self._write(call, endpoint.handler, incoming, key)
        else:
            with read_tx(conn):
                reply = endpoint.handler(call, self._ctx(call))
            status, headers, content = reply.status, reply.headers, dumps(reply.body)
        return Outgoing(status, {**allow, **headers}, content)

    def _ctx(self, call: Call) -> Ctx:
        key = call.key
        return Ctx.open(
            call.conn,
            self.settings,
            statuses=call.statuses,
            user_id=key.user_id if key else 1,
            user_name=key.user_name if key else "WooCommerce",
        )

    def _write(
        self, call: Call, handler: Any, incoming: Incoming, key: ApiKey
    ) -> tuple[int, dict[str, str], bytes]:
        idem_key = incoming.headers.get("idempotency-key", "").strip()
        if call.method not in idempotency.IDEMPOTENT_METHODS:
            idem_key = ""
        with write_tx(call.conn):
            digest = ""
            if idem_key:
                signed = sorted(
                    (k, v) for k, v in call.query.pairs if base_name(k) not in AUTH_PARAMS
                )
                digest = idempotency.request_hash(
                    call.method, call.path, json.dumps(signed), call.body
                )
                stored = idempotency.find_stored(
                    call.conn, key.id, call.method, call.path, idem_key, digest
                )
                if stored is not None:
                    return stored
            ctx = self._ctx(call)
            reply: Reply = handler(call, ctx)
            content = dumps(reply.body)
            if idem_key and reply.status < 400:
                idempotency.store(
                    call.conn,
                    key.id,
                    call.method,
                    call.path,
                    idem_key,
                    digest,
                    reply.status,
                    reply.headers,
                    content,
                    ctx.now,
                )
        return reply.status, reply.headers, content

    @staticmethod
    def _json_body(raw: bytes, content_type: str, form: dict[str, str]) -> dict[str, Any]:
        if form:
            return dict(form)
        if not raw.strip():
            return {}
        try:
            parsed = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(
                400,
                "rest_invalid_json",
                f"Invalid JSON body passed: {exc}",
                json_error_code=4,
                json_error_message="Syntax error",
            ) from None
        if not isinstance(parsed, dict):
            raise ApiError(400, "rest_invalid_json", "The request body must be a JSON object.")
        return parsed

    @staticmethod
    def _options(route: Route) -> dict[str, Any]:
        return {
            "namespace": "wc/v3",
            "methods": [m for m in ALL_METHODS if m in route.methods],
            "endpoints": [{"methods": [m], "args": {}} for m in route.methods],
        }

    def close(self) -> None:
        self.store.close()


def create_app(db_path: str | Path, *, max_body: int = 1_048_576) -> Starlette:
    """The reference shop for the database at `db_path` (created if missing).

    Usable in-process through `httpx.ASGITransport(app=create_app(path))`, or served by
    uvicorn (`shop.server.start_in_thread`).
    """
    shop = Shop(db_path, max_body)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        shop.close()

    app = Starlette(
        routes=[StarletteRoute("/{path:path}", shop.endpoint, methods=ALL_METHODS)],
        lifespan=lifespan,
    )
    app.state.shop = shop
    return app
