"""Bounded self-correction on known rejections (DESIGN "Additions"; PROTOCOLS-2026 A.9.2, A.9.4).

Real HTTP to the emulator: the request log shows how many requests each call made and where
they went. Each test starts with nothing learned.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator

import pytest

from maas_core import (
    AsyncChatClient,
    BadRequestError,
    ChatClient,
    ChatRequest,
    Message,
    RateLimitError,
)
from maas_core.emulator import Emulator
from maas_core.emulator import models as emulated
from maas_core.emulator.validation import URL_ERROR
from maas_core.profiles import forget_learned, get_profile, learned
from maas_core.repairs import RepairFailedError

MM = "/api/v1/services/aigc/multimodal-generation/generation"
TEXT = "/api/v1/services/aigc/text-generation/generation"


@pytest.fixture(autouse=True)
def _nothing_learned() -> Iterator[None]:
    forget_learned()
    yield
    forget_learned()


@pytest.fixture
def client(emu: Emulator) -> Iterator[ChatClient]:
    with ChatClient("dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url) as c:
        yield c


@pytest.fixture
def future_qwen() -> Iterator[str]:
    """A Qwen generation the profiles have never seen, served on text-generation."""
    base = emulated.lookup(emulated.DASHSCOPE, "qwen3.8-flash")
    assert base is not None
    spec = dataclasses.replace(base, name="qwen3.9-plus", native_endpoint="text")
    with emulated.extra_model(emulated.DASHSCOPE, spec):
        yield spec.name


def _ask(model: str, **fields: object) -> ChatRequest:
    return ChatRequest(model=model, messages=(Message("user", "hello"),), **fields)  # type: ignore[arg-type]


def _paths(emu: Emulator) -> list[str]:
    return [r.path for r in emu.requests if r.method == "POST"]


def test_url_error_repaired_once_per_model_and_logged(
    client: ChatClient, emu: Emulator, future_qwen: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="maas_core"):
        first = client.chat(_ask(future_qwen))
        second = client.chat(_ask(future_qwen))
    assert first.message.content == second.message.content == "Echo: hello"
    assert first.message.reasoning  # thinking by default, as the newest generation
    assert _paths(emu) == [MM, TEXT, TEXT]  # one extra request, once per process
    assert learned("dashscope", future_qwen) == {"native_endpoint": "text"}
    assert get_profile("dashscope", future_qwen).native_endpoint == "text"
    logs = [r for r in caplog.records if r.name == "maas_core.client"]
    assert len(logs) == 1 and logs[0].levelno == logging.INFO
    assert future_qwen in logs[0].getMessage() and "url error" in logs[0].getMessage()


def test_url_error_repaired_for_a_stream(
    client: ChatClient, emu: Emulator, future_qwen: str
) -> None:
    deltas = list(client.stream(_ask(future_qwen)))
    assert "".join(d.content for d in deltas) == "Echo: hello"
    assert sum(1 for d in deltas if d.usage is not None) == 1
    list(client.stream(_ask(future_qwen)))
    assert _paths(emu) == [MM, TEXT, TEXT]


async def test_url_error_repaired_async(emu: Emulator, future_qwen: str) -> None:
    async with AsyncChatClient(
        "dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url
    ) as client:
        result = await client.chat(_ask(future_qwen))
        chunks = [d.content async for d in client.stream(_ask(future_qwen))]
    assert result.message.content == "".join(chunks) == "Echo: hello"
    assert _paths(emu) == [MM, TEXT, TEXT]


def test_unverified_endpoint_found_by_repair(client: ChatClient, emu: Emulator) -> None:
    # kimi-k2.6: endpoint unverified (A.9.1); the profile guesses multimodal, the emulator
    # serves it on text-generation.
    assert client.chat(_ask("kimi-k2.6")).message.content == "Echo: hello"
    assert _paths(emu) == [MM, TEXT]


def test_both_endpoints_fail_ends_in_a_typed_error(client: ChatClient, emu: Emulator) -> None:
    emu.add_fault(
        {"kind": "status", "status": 400, "code": "InvalidParameter", "message": URL_ERROR,
         "times": 5}
    )
    with pytest.raises(RepairFailedError) as caught:
        client.chat(_ask("qwen3.6-plus"))
    error = caught.value
    assert isinstance(error, BadRequestError)
    assert "rejected twice" in str(error) and "native_endpoint='text'" in str(error)
    assert error.tried == ("as profiled", "url error -> native_endpoint='text'")
    assert _paths(emu) == [MM, TEXT]
    assert learned("dashscope", "qwen3.6-plus") == {}  # a failed repair is not remembered


def test_both_endpoints_fail_for_a_stream(client: ChatClient, emu: Emulator) -> None:
    emu.add_fault(
        {"kind": "status", "status": 400, "code": "InvalidParameter", "message": URL_ERROR,
         "times": 5}
    )
    with pytest.raises(RepairFailedError):
        list(client.stream(_ask("qwen3.6-plus")))
    assert _paths(emu) == [MM, TEXT]


def test_unknown_rejections_are_never_retried(client: ChatClient, emu: Emulator) -> None:
    emu.add_fault({"kind": "status", "status": 400, "code": "InvalidParameter",
                   "message": "Range of top_p should be (0.0, 1.0]", "times": 5})
    with pytest.raises(BadRequestError) as caught:
        client.chat(_ask("qwen3.6-plus"))
    assert not isinstance(caught.value, RepairFailedError)
    assert _paths(emu) == [MM]


def test_a_repair_that_meets_another_kind_of_error_raises_that_error(
    client: ChatClient, emu: Emulator, future_qwen: str
) -> None:
    emu.add_fault({"kind": "status", "status": 429, "path": TEXT, "times": 10})
    with pytest.raises(RateLimitError):
        ChatClient(
            "dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url, max_retries=0
        ).chat(_ask(future_qwen))
    assert learned("dashscope", future_qwen) == {}


def test_only_support_stream_is_repaired_by_streaming(client: ChatClient, emu: Emulator) -> None:
    # A stream-only model the profiles do not know (a deployment name): the first non-stream
    # call is refused, the repair streams under the hood, the next call streams at once.
    base = emulated.lookup(emulated.DASHSCOPE, "qwq-plus")
    assert base is not None
    with emulated.extra_model(emulated.DASHSCOPE, dataclasses.replace(base, name="my-reasoner")):
        first = client.chat(_ask("my-reasoner"))
        second = client.chat(_ask("my-reasoner"))
    assert first.message.content == second.message.content == "Echo: hello"
    sse = [r.headers.get("x-dashscope-sse") for r in emu.requests if r.method == "POST"]
    assert sse == [None, "enable", "enable"]
    assert learned("dashscope", "my-reasoner") == {"stream_only": True}


def test_at_most_one_repair_per_call(client: ChatClient, emu: Emulator) -> None:
    # Wrong endpoint *and* stream-only: the first call repairs the endpoint and then meets the
    # stream rejection, which it does not repair (one extra request at most).
    base = emulated.lookup(emulated.DASHSCOPE, "qwq-plus")
    assert base is not None
    spec = dataclasses.replace(base, name="qwen3.9-reasoner", native_endpoint="text")
    with emulated.extra_model(emulated.DASHSCOPE, spec):
        with pytest.raises(RepairFailedError, match="only support stream"):
            client.chat(_ask("qwen3.9-reasoner", enable_thinking=None))
        assert len(_paths(emu)) == 2
        result = client.chat(_ask("qwen3.9-reasoner"))
    assert result.message.content == "Echo: hello"
    assert len(_paths(emu)) == 4


def test_the_repaired_body_speaks_the_other_endpoint(
    client: ChatClient, emu: Emulator, future_qwen: str
) -> None:
    client.chat(_ask(future_qwen))
    first, second = (json.loads(r.body) for r in emu.requests if r.method == "POST")
    assert first["input"]["messages"][0]["content"] == [{"text": "hello"}]
    assert second["input"]["messages"][0]["content"] == "hello"


def test_no_endpoint_repair_for_images(client: ChatClient, emu: Emulator) -> None:
    # Images only go to the multimodal endpoint: a url error there has no other endpoint.
    from maas_core import ImagePart, TextPart

    emu.add_fault({"kind": "status", "status": 400, "code": "InvalidParameter",
                   "message": URL_ERROR, "times": 5})
    image = Message("user", (ImagePart("https://example.com/a.png"), TextPart("what?")))
    with pytest.raises(BadRequestError) as caught:
        client.chat(ChatRequest(model="qwen3.6-plus", messages=(image,)))
    assert not isinstance(caught.value, RepairFailedError)
    assert _paths(emu) == [MM]


async def test_url_error_repaired_for_an_async_stream(emu: Emulator, future_qwen: str) -> None:
    async with AsyncChatClient(
        "dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url
    ) as client:
        first = [d.content async for d in client.stream(_ask(future_qwen))]
        second = [d.content async for d in client.stream(_ask(future_qwen))]
    assert "".join(first) == "".join(second) == "Echo: hello"
    assert _paths(emu) == [MM, TEXT, TEXT]


async def test_async_both_endpoints_fail(emu: Emulator) -> None:
    emu.add_fault(
        {"kind": "status", "status": 400, "code": "InvalidParameter", "message": URL_ERROR,
         "times": 5}
    )
    async with AsyncChatClient(
        "dashscope", api_key=emu.api_key, base_url=emu.dashscope_base_url
    ) as client:
        with pytest.raises(RepairFailedError):
            await client.chat(_ask("qwen3.6-plus"))
        with pytest.raises(RepairFailedError):
            [d async for d in client.stream(_ask("qwen3.6-plus"))]
    assert _paths(emu) == [MM, TEXT, MM, TEXT]


def test_repair_failed_error_pickles() -> None:
    import pickle

    from maas_core.repairs import KNOWN_REJECTIONS, Repair, repair_failed

    first = BadRequestError("url error", status=400, code="InvalidParameter")
    second = BadRequestError("url error again", status=400, code="InvalidParameter")
    error = repair_failed("m", "dashscope", first, Repair(KNOWN_REJECTIONS[0], {"a": 1}), second)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RepairFailedError and copy.tried == error.tried
    assert str(copy) == str(error)
