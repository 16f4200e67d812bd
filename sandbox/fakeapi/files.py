"""The files the fake Telegram holds: uploaded by the bot or sent by users, and ``getFile``.

Every file gets a ``file_id`` and a ``file_path`` like Telegram's; the bot downloads it from
``/file/bot<token>/<file_path>`` (served by :mod:`sandbox.fakeapi.server`).

A test can make Telegram state a smaller size than a file holds (``declared_size``), as a
self-hosted Bot API server might: such a file lives under ``streamed/``, is served here in
chunks without a ``Content-Length``, as fast as the bot reads, and its ``bytes_served``
shows how much the bot read before it stopped.
"""

from __future__ import annotations

import hmac
import struct
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from sandbox.limits import MAX_DOWNLOAD
from sandbox.models import JsonDict, StoredFile
from sandbox.spec import ApiError, MethodSpec, UploadedFile

__all__ = ["FileStore"]

#: Where the files with a ``declared_size`` live, and the size of each chunk served.
STREAMED = "streamed"
CHUNK_BYTES = 64 * 1024

#: Where Telegram keeps a kind of file, and the extension when the name has none.
_FILE_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "video_note": ("video_notes", ".mp4"),
    "sticker": ("stickers", ".webp"),
}


class FileStore:
    """The files, by ``file_id`` and by ``file_path``; the ``getFile`` method."""

    def __init__(self, bot_id: int) -> None:
        self._bot_id = bot_id
        self._files: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def reset(self) -> None:
        """Forget every file (numbers keep counting up)."""
        self._files.clear()
        self._by_path.clear()

    def next_number(self) -> int:
        """The next serial number (of a file; polls take theirs from it too)."""
        self._counter += 1
        return self._counter

    def file(self, file_id: str) -> StoredFile:
        """The file ``file_id`` (``KeyError`` if unknown)."""
        return self._files[file_id]

    def at_path(self, file_path: str) -> StoredFile | None:
        """The file downloaded from ``file_path``, if there is one."""
        return self._by_path.get(file_path)

    def store(
        self,
        kind: str,
        data: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        declared_size: int | None = None,
    ) -> StoredFile:
        """Register a file so that getFile and the file URL serve it; ``declared_size``:
        the size Telegram states instead of the real one (the file is then streamed)."""
        n = self.next_number()
        folder, default_ext = _FILE_FOLDERS.get(kind, ("documents", ""))
        if declared_size is not None:
            folder = f"{STREAMED}/{folder}"
        ext = default_ext
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1][:10]
        stored = StoredFile(
            file_id=f"AgAC{kind[:2].upper()}{self._bot_id % 100000:05d}x{n:08d}",
            file_unique_id=f"AQAD{n:08d}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{n}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            declared_size=declared_size,
        )
        self._files[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[JsonDict]:
        """``PhotoSize`` objects (a thumbnail and the full size) for a stored photo."""
        width, height = _image_size(stored.data)
        scale = min(1.0, 90 / max(width, height, 1))
        thumb_id = stored.file_id + "_t"
        self._files[thumb_id] = stored
        return [
            {
                "file_id": thumb_id,
                "file_unique_id": stored.file_unique_id + "t",
                "file_size": stored.file_size,
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": width,
                "height": height,
            },
        ]

    def input_file(self, value: Any, kind: str) -> StoredFile:
        """The file a sending method names: an upload, a known ``file_id`` or an HTTP URL."""
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError.bad_request("file must be non-empty")
            return self.store(
                kind, value.data, file_name=value.filename, mime_type=value.content_type
            )
        text = str(value)
        stored = self._files.get(text)
        if stored is not None:
            if stored.kind != kind and not (kind == "document" and stored.kind != "photo"):
                wanted = kind.replace("_", " ").title()
                raise ApiError.bad_request(
                    f"can't use file of type {stored.kind.title()} as {wanted}"
                )
            return stored
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc:
            name = parts.path.rsplit("/", 1)[-1] or None
            return self.store(kind, None, file_name=name)
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")

    def add_routes(self, app: web.Application, token: str) -> None:
        """Serve the files with a ``declared_size`` (before the other files' route, which
        would take their paths too)."""

        async def download(request: web.Request) -> web.StreamResponse:
            given = request.match_info["token"].encode("utf-8", "surrogatepass")
            if not hmac.compare_digest(given, token.encode()):  # a secret in the sandbox
                return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
            return await self._stream(request, f"{STREAMED}/{request.match_info['path']}")

        app.router.add_route("GET", f"/file/bot{{token}}/{STREAMED}/{{path:.+}}", download)

    async def _stream(self, request: web.Request, file_path: str) -> web.StreamResponse:
        """The file in chunks, each written once the bot has read enough of the ones before
        (no ``Content-Length``: its size is known from what Telegram stated, if at all)."""
        stored = self._by_path.get(file_path)
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        response = web.StreamResponse(
            headers={"Content-Type": stored.mime_type or "application/octet-stream"}
        )
        await response.prepare(request)
        data = memoryview(stored.data)
        try:
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = data[start : start + CHUNK_BYTES]
                await response.write(chunk)  # waits while the bot does not read
                stored.bytes_served += len(chunk)
            await response.write_eof()
        except ConnectionError:  # the bot stopped reading and hung up
            pass
        return response

    async def get_file(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """``getFile``: where to download a file from."""
        stored = self._files.get(params["file_id"])
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if stored.data is None:
            raise ApiError.bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.file_size > MAX_DOWNLOAD:
            raise ApiError.bad_request("file is too big")
        return {
            "file_id": params["file_id"],
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }


def _image_size(data: bytes | None) -> tuple[int, int]:
    """Width and height of a PNG, GIF, JPEG or WebP image (800x600 when unknown)."""
    return (image_size(data) if data else None) or (800, 600)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image; None when it is none of those."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return width, height
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
        return 800, 600  # a JPEG whose sizes were not found: Telegram reads it anyway
    return None
