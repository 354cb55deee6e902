"""Pure parts of ``maas-demo``: colour choice, the stream printer, error wording, planning,
the local embedding and the bundled documents."""

from __future__ import annotations

import io

import pytest

from langchain_maas import MaaSAuthenticationError
from maas_core import (
    APIConnectionError,
    AuthenticationError,
    MaaSError,
    MissingCredentialsError,
    PermissionDeniedError,
    RateLimitError,
)
from maas_demo.cli import UsageError, plan
from maas_demo.console import Console, usage_text, use_color
from maas_demo.errors import find_error, one_line
from maas_demo.llamaindex_scenes import load_documents
from maas_demo.targets import Target, llamaindex_embedding, llamaindex_rerank


class Group(Exception):
    exceptions: tuple[BaseException, ...] = ()


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


# ---- console ------------------------------------------------------------------------------------
def test_colour_only_on_a_tty_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    assert use_color(Tty()) is True
    assert use_color(io.StringIO()) is False
    assert use_color(Tty(), disabled=True) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty()) is False


def printed(color: bool, feed: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    printer = Console(out, color=color).stream()
    for kind, text in feed:
        getattr(printer, kind)(text)
    printer.close()
    return out.getvalue()


def test_stream_printer_labels_sections_and_trims_whitespace() -> None:
    feed = [("reasoning", "\n"), ("reasoning", "Step one.\n"), ("reasoning", "Step two.\n\n"),
            ("content", "\n\n"), ("content", "The "), ("content", "answer."), ("content", "\n")]
    assert printed(False, feed) == ("  thinking: Step one.\n"
                                    "            Step two.\n"
                                    "  answer:   The answer.\n")


def test_stream_printer_colours_thinking_dim() -> None:
    text = printed(True, [("reasoning", "hmm"), ("content", "yes")])
    assert "\x1b[2mhmm\x1b[0m" in text and "\x1b[1m  answer:   \x1b[0myes" in text


def test_usage_text() -> None:
    assert usage_text(3, 10, 13, 4) == "tokens: in 3, out 10 (reasoning 4), total 13"
    assert usage_text(3, None, None, None) == (
        "tokens: in 3, out ?, total ? (no reasoning tokens reported)")


# ---- errors -------------------------------------------------------------------------------------
DASHSCOPE = Target("dashscope", "qwen-plus")
MAAS = Target("maas", "deepseek-v3.2")


def test_find_error_in_causes_contexts_and_groups() -> None:
    inner = AuthenticationError("bad", code="InvalidApiKey", provider="dashscope")
    wrapped = RuntimeError("workflow failed")
    wrapped.__cause__ = inner
    assert find_error(wrapped) is inner
    try:
        try:
            raise inner
        except MaaSError:
            raise KeyError("while handling") from None
    except KeyError as exc:
        assert find_error(exc) is inner  # __context__ is kept even when suppressed
    group = Group("tasks")  # an ExceptionGroup (3.11+) as far as find_error cares
    group.exceptions = (ValueError("x"), wrapped)
    assert find_error(group) is inner
    assert find_error(ValueError("unrelated")) is None


@pytest.mark.parametrize(("error", "target", "expected"), [
    (AuthenticationError("Invalid API-key provided.", status=401, code="InvalidApiKey",
                         provider="dashscope", request_id="r-1"), None,
     "error: DashScope rejected the API key (401 InvalidApiKey) [request_id r-1] - check "
     "DASHSCOPE_API_KEY"),
    (MaaSAuthenticationError("no", status=401, code="ModelArts.81003", provider="huawei-maas"),
     None, "error: MaaS rejected the API key (401 ModelArts.81003) - check MAAS_API_KEY"),
    (AuthenticationError("bad password", status=401, provider="huawei-iam"), MAAS,
     "error: Huawei IAM rejected the credentials (401) - check the HUAWEICLOUD_* variables"),
    (AuthenticationError("no", status=401), DASHSCOPE,
     "error: DashScope rejected the API key (401) - check DASHSCOPE_API_KEY"),
    (PermissionDeniedError("Access denied.", status=403, code="AccessDenied",
                           provider="dashscope"), None,
     "error: DashScope refused access (403 AccessDenied: Access denied.) - the key may not use "
     "this model or workspace; enable the service or use its own key"),
    (RateLimitError("Requests rate limit exceeded.", code="Throttling", provider="huawei-maas"),
     None, "error: MaaS answered 429 Throttling: Requests rate limit exceeded. - slow down or "
     "raise the quota"),
    (APIConnectionError("[dashscope] ConnectError calling http://x/api/v1: refused"), DASHSCOPE,
     "error: cannot reach DashScope (ConnectError calling http://x/api/v1: refused) - check "
     "DASHSCOPE_BASE_URL and your network"),
    (MissingCredentialsError("no API key for MaaS: pass api_key=... or set MAAS_API_KEY"), MAAS,
     "error: no API key for MaaS: pass api_key=... or set MAAS_API_KEY (or run with "
     "--emulator)"),
    (MaaSError("stream cut\nshort"), MAAS, "error: MaaS: stream cut short"),
])
def test_one_line(error: MaaSError, target: Target | None, expected: str) -> None:
    assert one_line(error, target) == expected


# ---- planning -----------------------------------------------------------------------------------
def test_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    assert plan(None, emulator=False) == (["maas", "dashscope"], True)
    assert plan("dashscope", emulator=False) == (["dashscope"], True)
    monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-live")
    assert plan(None, emulator=False) == (["dashscope"], False)
    assert plan("dashscope", emulator=False) == (["dashscope"], False)
    assert plan(None, emulator=True) == (["maas", "dashscope"], True)
    with pytest.raises(UsageError, match=r"^MAAS_API_KEY not set"):
        plan("maas", emulator=False)
    monkeypatch.setenv("MAAS_API_KEY", "live")
    assert plan(None, emulator=False) == (["maas", "dashscope"], False)


def test_thinking_only_for_switchable_models() -> None:
    assert MAAS.thinking is True and DASHSCOPE.thinking is True
    assert Target("maas", "DeepSeek-R1").thinking is None  # always reasons
    assert Target("maas", "DeepSeek-V3").thinking is None  # never does


# ---- LlamaIndex parts ---------------------------------------------------------------------------
def test_bundled_documents_are_package_data() -> None:
    names = [d.metadata["file_name"] for d in load_documents()]
    assert names == ["dashscope_overview.md", "errors_and_limits.md", "maas_overview.md",
                     "tools_and_thinking.md"]


def test_retrieval_models_are_the_platforms_own() -> None:
    maas = Target("maas", "deepseek-v3.2", api_key="sk-x", base_url="http://127.0.0.1:9/v1")
    dashscope = Target("dashscope", "qwen-plus", api_key="sk-x",
                       base_url="http://127.0.0.1:9/api/v1")
    assert llamaindex_embedding(maas).model_name == "bge-m3"
    assert llamaindex_embedding(dashscope).model_name == "text-embedding-v4"
    assert llamaindex_rerank(maas, top_n=2).model == "bge-reranker-v2-m3"
    assert llamaindex_rerank(dashscope, top_n=2).top_n == 2
