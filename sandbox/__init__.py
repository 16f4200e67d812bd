"""The sandbox: a local stand-in for Telegram, for the tests and for trying the bot in a browser.

It depends on the bot, never the other way round (``samenspraak sandbox`` is registered
through an entry point). Where to look:

==============  ==========================================================================
``fakeapi/``    the fake Bot API server, :class:`~sandbox.fakeapi.FakeBotApi` (its parts
                are listed in its docstring)
``spec``        the official Bot API specification (``botapi.json``, MIT, licence beside
                it) that every call is checked against
``formatting/`` text formatting and entity parsing like Telegram's (HTML, MarkdownV2)
``limits``      Telegram's limits, the fake's own copy
``models``      what the fake keeps (chats, messages, calls, events), shared by all parts
``clients``     simulated Telegram users and groups, for the tests
``web/``        the web chat (with ``static/``): the sandbox in a browser
``run``         the ``samenspraak sandbox`` command
``serving``     serving an aiohttp application on a local port
``guard``       who may talk to it: this machine's host names, never other web sites
``balancer``    a round-robin balancer in front of several workers (tests, benchmarks)
==============  ==========================================================================
"""
