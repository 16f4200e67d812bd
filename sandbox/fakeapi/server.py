"""The HTTP side of the fake Bot API: routes, a call's way through, Telegram's answers.

A call to ``/bot<token>/<method>`` goes (once :mod:`sandbox.guard` let it in: addressed to
this machine, not from another web site): token (401), method known to the specification
(404), parameters read from the query string and a JSON, form or multipart body, an armed
fault (:mod:`sandbox.fakeapi.faults`), validation against the specification
(:meth:`~sandbox.spec.BotApiSpec.validate`), a flood limit, then the method's handler. The
answer is Telegram's JSON (``{"ok": true, "result": ...}`` or the error), and the call is
recorded (:attr:`TelegramState.calls`; a rejected one also in ``rejected``). Files are
downloaded from ``/file/bot<token>/<file_path>``.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from sandbox.fakeapi.faults import Faults, InjectedFault
from sandbox.fakeapi.files import FileStore
from sandbox.fakeapi.state import TelegramState
from sandbox.models import ApiCall, JsonDict, dumps
from sandbox.spec import ApiError, BotApiSpec, MethodSpec, UploadedFile

__all__ = ["ApiServer", "Handler"]

_LOG = logging.getLogger("sandbox.fakeapi")

#: What carries out a method: its specification, the validated parameters, the request.
Handler = Callable[[MethodSpec, JsonDict, web.Request], Awaitable[Any]]


class ApiServer:
    """Answers the bot's HTTP requests; ``handlers`` by method name (as the specification
    spells it), ``fallback`` for the methods of the specification without one."""

    def __init__(
        self,
        token: str,
        spec: BotApiSpec,
        state: TelegramState,
        files: FileStore,
        faults: Faults,
        handlers: Mapping[str, Handler],
        fallback: Handler,
    ) -> None:
        self._token = token
        self._spec = spec
        self._state = state
        self._files = files
        self._faults = faults
        self._handlers = handlers
        self._fallback = fallback

    def add_routes(self, app: web.Application) -> None:
        """Serve the Bot API (``/bot<token>/<method>``) and the file downloads
        (``/file/bot<token>/<path>``) from ``app``."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)

    def _is_token(self, request: web.Request) -> bool:
        """Whether the call carries the token (compared in constant time: it is a secret
        where the fake is served to a browser, see :func:`sandbox.run.new_token`)."""
        given = request.match_info["token"].encode("utf-8", "surrogatepass")
        return hmac.compare_digest(given, self._token.encode())

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        if not self._is_token(request):
            return self._failed(ApiCall(name, {}), ApiError(401, "Unauthorized"))
        spec = self._spec.method(name)
        if spec is None:
            return self._failed(ApiCall(name, {}), ApiError(404, "Not Found"))
        call = ApiCall(spec.name, {})
        try:
            raw = await _read_params(request)
            call.params = raw
            fault = self._faults.take(spec)
            if fault is not None and fault.kind == "delay":
                await self._faults.hold(fault, request)
            elif fault is not None and fault.kind == "drop":
                call.ok = False
                call.description = fault.description
                call.injected = True
                self._state.calls.append(call)
                self._state.activity.touch()
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)  # never reaches the client
            params = self._spec.validate(spec, raw)
            call.params = params
            self._faults.gone(request)
            self._faults.check_flood(spec, params)
            handler = self._handlers.get(spec.name, self._fallback)
            result = await handler(spec, params, request)
        except ApiError as err:
            return self._failed(call, err)
        call.result = result
        self._state.calls.append(call)
        if spec.name != "getUpdates":
            self._state.activity.touch()
        return web.json_response({"ok": True, "result": result}, dumps=dumps)

    def _failed(self, call: ApiCall, err: ApiError) -> web.StreamResponse:
        call.ok = False
        call.error_code = err.error_code
        call.description = err.description
        call.injected = isinstance(err, InjectedFault)
        self._state.calls.append(call)
        if not call.injected:
            self._state.rejected.append(call)
            _LOG.warning("Rejected %s: %s", call.method, err.description)
        self._state.activity.touch()
        return web.json_response(err.payload(), status=err.error_code, dumps=dumps)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not self._is_token(request):
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self._files.at_path(request.match_info["path"])
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


async def _read_params(request: web.Request) -> JsonDict:
    """The raw parameters of a call: query string, then a JSON, form or multipart body."""
    params: JsonDict = dict(request.query)
    if request.method != "POST" or not request.body_exists:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = json.loads(await request.read())
        except ValueError:
            raise ApiError.bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise ApiError.bad_request("JSON object expected as request body")
        params.update(body)
    elif ctype.startswith("multipart/"):
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            if part.filename is not None:
                data = await part.read()
                params[part.name] = UploadedFile(
                    name=part.name,
                    filename=part.filename,
                    content_type=part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream"),
                    data=bytes(data),
                )
            else:
                params[part.name] = await part.text()
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = value
            elif isinstance(value, bytes):
                params[key] = value.decode("utf-8", "replace")
    return params
