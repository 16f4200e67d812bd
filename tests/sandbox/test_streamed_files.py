"""A file whose size Telegram misstates (``declared_size``): getFile and the message state
the declared size, the download streams the real contents in chunks without a
``Content-Length``, and the fake counts the bytes it served."""

from __future__ import annotations

from sandbox.fakeapi import FakeBotApi
from sandbox.fakeapi.files import CHUNK_BYTES
from tests.sandbox.conftest import RawApi

CONTENT = bytes(range(256)) * (CHUNK_BYTES // 64)  # four chunks


async def test_a_misstated_file_is_served_streamed_and_counted(
    fake: FakeBotApi, raw: RawApi
) -> None:
    user = fake.user()
    sent = await user.send_document("groot.bin", CONTENT, declared_size=10)
    document = fake.chat(user.id).user_messages[sent]["document"]
    assert document["file_size"] == 10
    file = await raw.ok("getFile", file_id=document["file_id"])
    assert file["file_size"] == 10
    url = f"{fake.url}/file/bot{fake.token}/{file['file_path']}"
    async with raw.session.get(url) as response:
        assert response.status == 200
        assert response.content_length is None  # chunked: the size is not announced
        assert await response.read() == CONTENT
    assert fake.file(document["file_id"]).bytes_served == len(CONTENT)

    async with raw.session.get(url.replace(fake.token, "WRONG")) as response:
        assert response.status == 401
    async with raw.session.get(url.replace("file_", "nope_")) as response:
        assert response.status == 404
