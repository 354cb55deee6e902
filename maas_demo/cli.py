"""``maas-demo``: LangChain, LlamaIndex and discovery on MaaS and DashScope, streamed live.

Usage::

    maas-demo                          # no keys: both platforms on the embedded emulator
    maas-demo --platform dashscope     # one platform
    maas-demo --scene agent            # one scene (repeat --scene for several)
    maas-demo --emulator               # the emulator even when API keys are set
    MAAS_API_KEY=... maas-demo         # live: every platform whose key is set
    maas-demo --model qwen-max --no-color

Scenes: ``chain`` (prompt | chat model, thinking streamed apart from the answer, token usage),
``agent`` (LangChain tool-calling agent), ``query`` (LlamaIndex query engine over bundled
documents), ``function-agent`` (LlamaIndex ``FunctionAgent``), ``discovery`` (resolve a name to
an endpoint and answer through it).

Exit status: 0 done, 1 a platform error (one line on stderr: platform, code, message, what to
do), 2 a usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from maas_core._extras import install_command

from .console import Console, use_color
from .errors import find_error, one_line
from .targets import DEFAULT_MODELS, ENV_KEYS, PlatformName, Target, keys_in_env

__all__ = ["SCENES", "main"]

PROG = "maas-demo"
SceneFunction = Callable[[Target, Console], None]


@dataclass(frozen=True)
class Scene:
    """A scene: its title and where its function lives (imported only when it runs)."""

    title: str
    function: str

    def load(self) -> SceneFunction:
        module, _, name = self.function.partition(":")
        found: SceneFunction = getattr(importlib.import_module(module, __package__), name)
        return found


SCENES: dict[str, Scene] = {
    "chain": Scene("LangChain chain: prompt | chat model", ".langchain_scenes:chain_scene"),
    "agent": Scene("LangChain agent with two tools", ".langchain_scenes:agent_scene"),
    "query": Scene("LlamaIndex query engine over the bundled docs",
                   ".llamaindex_scenes:query_scene"),
    "function-agent": Scene("LlamaIndex FunctionAgent with two tools",
                            ".llamaindex_scenes:function_agent_scene"),
    "discovery": Scene("Discovery: a name resolved to an endpoint",
                       ".discovery_scene:discovery_scene"),
}


class UsageError(Exception):
    """A command line that cannot run (exit status 2)."""


class DemoFailure(Exception):
    """A platform error, already worded as one line (exit status 1)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Demo of maas-integrations: LangChain and LlamaIndex on Huawei "
        "MaaS and Alibaba DashScope. Without API keys it runs offline on the embedded emulator.")
    parser.add_argument("--platform", choices=("maas", "dashscope", "both"),
                        help="default: both on the emulator; live, every platform whose key "
                        "(MAAS_API_KEY / DASHSCOPE_API_KEY) is set")
    parser.add_argument("--emulator", action="store_true",
                        help="use the embedded emulator even when API keys are set")
    parser.add_argument("--scene", action="append", choices=list(SCENES),
                        help="run only this scene (repeatable; default: all)")
    parser.add_argument("--model", help="model name on every platform run (default: MaaS "
                        f"{DEFAULT_MODELS['maas']}, DashScope {DEFAULT_MODELS['dashscope']}, "
                        "with thinking on)")
    parser.add_argument("--no-color", action="store_true", help="plain text, no ANSI colours")
    return parser


# ---- planning -----------------------------------------------------------------------------------
_CHOICES: dict[str, list[PlatformName]] = {
    "maas": ["maas"], "dashscope": ["dashscope"], "both": ["maas", "dashscope"]}


def plan(choice: str | None, emulator: bool) -> tuple[list[PlatformName], bool]:
    """The platforms to run and whether offline (``emulator``), from ``--platform`` and keys."""
    wanted = _CHOICES[choice] if choice else None
    keys = keys_in_env()
    if emulator or not keys:
        return wanted or _CHOICES["both"], True
    if wanted is None:
        return keys, False
    missing = [ENV_KEYS[p] for p in wanted if p not in keys]
    if missing:
        raise UsageError(f"{' and '.join(missing)} not set: set it, or add --emulator "
                         "to run offline")
    return wanted, False


@contextmanager
def targets(platforms: Sequence[PlatformName], offline: bool,
            model: str | None) -> Iterator[list[Target]]:
    """The targets to run; offline, an emulator is started first and stopped at the end."""
    if not offline:
        yield [Target(p, model or DEFAULT_MODELS[p]) for p in platforms]
        return
    try:
        from maas_core.emulator import start_emulator
    except ImportError as exc:
        raise DemoFailure("error: the offline demo needs the emulator: "
                          f"{install_command('demo')} (or set MAAS_API_KEY / "
                          "DASHSCOPE_API_KEY to run live)") from exc
    with start_emulator() as emu:
        bases = {"maas": emu.maas_base_url, "dashscope": emu.dashscope_base_url}
        yield [Target(p, model or DEFAULT_MODELS[p], api_key=emu.api_key, base_url=bases[p],
                      emulator=emu) for p in platforms]


# ---- running ------------------------------------------------------------------------------------
def run_scene(scene: Scene, target: Target, console: Console) -> None:
    """Run one scene; a platform error becomes a ``DemoFailure`` with its one-line text."""
    function = scene.load()
    try:
        function(target, console)
    except Exception as exc:
        error = find_error(exc)
        if error is None:
            raise
        raise DemoFailure(one_line(error, target)) from exc


def run_all(found: Sequence[Target], names: Sequence[str], console: Console) -> int:
    """Every scene on every target, with numbered headers; the number of scenes run."""
    total = len(found) * len(names)
    count = 0
    for name in names:
        for target in found:
            count += 1
            console.header(f"[{count}/{total}] {SCENES[name].title} - {target.where()}")
            run_scene(SCENES[name], target, console)
    return count


def _banner(found: Sequence[Target], console: Console) -> None:
    first = found[0]
    if first.emulator is not None:
        console.line(f"{PROG}: offline on the embedded emulator at {first.emulator.url} "
                     "(no credentials needed; answers are deterministic)", "note")
    else:
        names = ", ".join(f"{t.label} ({t.env_key})" for t in found)
        console.line(f"{PROG}: live on {names}", "note")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``maas-demo``; returns the exit status."""
    args = _parser().parse_args(argv)
    console = Console(sys.stdout, color=use_color(sys.stdout, disabled=args.no_color))
    names = list(dict.fromkeys(args.scene or SCENES))
    started = time.monotonic()
    try:
        platforms, offline = plan(args.platform, args.emulator)
        with targets(platforms, offline, args.model) as found:
            _banner(found, console)
            count = run_all(found, names, console)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except DemoFailure as exc:
        console.out.write("\n")
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    plural = "" if count == 1 else "s"
    console.line()
    console.line(f"done: {count} scene{plural} in {time.monotonic() - started:.1f} s", "note")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
