"""Across processes and copies: fork, pickled errors, copied and pickled models."""

from __future__ import annotations

import asyncio
import copy
import gc
import os
import pickle
from typing import Any

import httpx
import pytest
from llama_index.core.llms import ChatMessage

from langchain_maas import ChatDashScope, ChatMaaS
from langchain_maas._errors import to_langchain_error
from llamaindex_maas import DashScope, MaaS
from maas_core import ChatRequest, Message, MissingCredentialsError, errors, pools
from maas_core.errors import (
    APIStatusError,
    MaaSError,
    RateLimitError,
    StreamError,
    error_from_payload,
)

from ._clients import call, client, make, request

pytestmark = pytest.mark.emulator


def _ask(text: str) -> ChatRequest:
    return ChatRequest(model="DeepSeek-V3", messages=(Message("user", text),))


def _child(chat: Any, n: int) -> int:
    """Exit code of a forked child: 0 when every answer is its own."""
    for i in range(5):
        text = f"child {n} call {i}"
        if text not in (chat.chat(_ask(text)).message.content or ""):
            return 2
    return 0


@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_forked_children_never_share_pooled_sockets(emu):
    chat = client(emu, "maas", timeout=3, max_retries=0)
    assert "warm" in chat.chat(_ask("warm")).message.content  # a keep-alive socket in the pool
    pids = []
    for n in range(4):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                code = _child(chat, n)
            finally:
                os._exit(code)
        pids.append(pid)
    for i in range(5):
        assert f"parent {i}" in chat.chat(_ask(f"parent {i}")).message.content
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0, 0, 0]


# ------------------------------------------------------------------------------ errors


def _every_error() -> list[MaaSError]:
    made: list[MaaSError] = [MissingCredentialsError("no key")]
    for name in errors.__all__:
        cls = getattr(errors, name)
        if not (isinstance(cls, type) and issubclass(cls, MaaSError)):
            continue
        if issubclass(cls, APIStatusError):
            made.append(cls("m", status=418, code="C", request_id="r", provider="p",
                            body={"k": 1}, retry_after=2.0))
        else:
            made.append(cls("m"))
    payload = {"code": "Throttling", "message": "slow down", "request_id": "r-1"}
    made.append(error_from_payload(payload, provider="p", in_stream=True))  # run-time class
    made += [to_langchain_error(e) for e in list(made)]
    return made


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__module__ + type(e).__name__)
def test_every_error_pickles(error):
    if isinstance(error, StreamError):
        error.partial = "what arrived"
    copy_ = pickle.loads(pickle.dumps(error))
    assert type(copy_).__mro__ == type(error).__mro__
    assert str(copy_) == str(error)
    for attr in ("message", "status", "code", "request_id", "retry_after", "partial"):
        assert getattr(copy_, attr, None) == getattr(error, attr, None)


@pytest.mark.parametrize("mode", ["stream", "astream"])
async def test_errors_from_the_wire_pickle_with_their_partial(emu, mode):
    fault = {"kind": "error_frame", "after": 2, "status": 429, "code": "Throttling"}
    with pytest.raises(RateLimitError) as info:
        await call(make(emu, mode), mode, request("DeepSeek-R1", fault))
    cut = {"kind": "disconnect", "after": 3}
    with pytest.raises(StreamError) as cut_info:
        await call(make(emu, mode), mode, request("DeepSeek-R1", cut))
    for error in (info.value, cut_info.value, to_langchain_error(info.value)):
        again = pickle.loads(pickle.dumps(error))
        assert isinstance(again, StreamError) and type(again).__name__ == type(error).__name__
        assert again.partial == error.partial and again.partial is not None
        assert str(again) == str(error)


# ------------------------------------------------------------------------------ models


def _langchain(emu: Any, **kw: Any) -> Any:
    return ChatMaaS(model="DeepSeek-V3", api_key=emu.api_key, base_url=emu.maas_base_url, **kw)


def _llamaindex(emu: Any, **kw: Any) -> Any:
    return MaaS(model="DeepSeek-V3", api_key=emu.api_key, api_base=emu.maas_base_url, **kw)


COPIES = {
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
    "pickle": lambda model: pickle.loads(pickle.dumps(model)),
}


@pytest.mark.parametrize("how", list(COPIES))
async def test_langchain_model_copies_make_calls(emu, how):
    model = _langchain(emu)
    model.invoke("warm")
    twin = COPIES[how](model)
    assert "Echo: hi" in twin.invoke("hi").content
    assert "Echo: hi" in (await twin.ainvoke("hi")).content


@pytest.mark.parametrize("how", list(COPIES))
async def test_llamaindex_model_copies_make_calls(emu, how):
    model = _llamaindex(emu)
    model.complete("warm")
    twin = COPIES[how](model)
    assert "Echo: hi" in twin.complete("hi").text
    answer = await twin.achat([ChatMessage(role="user", content="hi")])
    assert "Echo: hi" in answer.message.content


def test_copies_share_the_callers_http_client(emu):
    """A caller's ``httpx`` client is a connection, not a value: a deep copy uses the same."""
    with httpx.Client() as own:
        for model in (_langchain(emu, http_client=own), _llamaindex(emu, http_client=own)):
            twin = copy.deepcopy(model)
            result = twin.invoke("hi").content if isinstance(twin, ChatMaaS) else (
                twin.complete("hi").text)
            assert "Echo: hi" in result


def test_pickled_model_drops_the_callers_http_client(emu):
    """It cannot cross a process: the copy uses maas_core's pools instead."""
    with httpx.Client() as own:
        twin = pickle.loads(pickle.dumps(_langchain(emu, http_client=own)))
    assert twin.http_client is None and "Echo: hi" in twin.invoke("hi").content


def test_dashscope_models_copy_too(emu):
    lc = ChatDashScope(model="qwen-max", api_key=emu.api_key, base_url=emu.dashscope_base_url)
    li = DashScope(model="qwen-max", api_key=emu.api_key, api_base=emu.dashscope_base_url)
    assert "Echo: hi" in pickle.loads(pickle.dumps(lc)).invoke("hi").content
    assert "Echo: hi" in copy.deepcopy(li).complete("hi").text
    asyncio.run(copy.deepcopy(li).acomplete("hi"))


# ------------------------------------------------------------------------------ event loops


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_loops_closed_without_shutdown_asyncgens_leak_no_socket(emu):
    """30 loops closed with ``loop.close()`` alone: their pools and sockets must not pile up."""
    chat = make(emu, "achat")

    def one_loop() -> None:
        loop = asyncio.new_event_loop()
        try:
            assert "hello there" in loop.run_until_complete(call(chat, "achat", request()))
        finally:
            loop.close()  # no shutdown_asyncgens(): the keeper of its pool never runs

    one_loop()
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        one_loop()
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) - before <= 2  # the last loop's socket, both ends
    assert len(pools._by_loop) <= 1
