"""Optional extras: what each brings, and install hints that work from where the user is.

``pip install maas-integrations`` installs ``maas_core`` alone; each framework comes with its
extra (``[langchain]``, ``[llamaindex]``, ``[emulator]``, ``[all]``). A hint that prints an
install command must work when pasted: it names this interpreter's pip (so the extra lands in the
environment that raised the error), quotes the requirement (``[`` is a glob in zsh), and points at
the source tree when the package was installed from one (a clone installed with ``pip install -e .``
is not the PyPI release).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import warnings
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import unquote, urlparse

DISTRIBUTION = "maas-integrations"

# Distributions on PyPI, unrelated to this project, that install a package of the same import
# name; whichever is installed last overwrites the other's files (``langchain-maas`` 0.1.1 ships
# an empty ``langchain_maas/__init__.py``).
SHADOWING_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {"langchain_maas": ("langchain-maas",)}


class NameClashWarning(UserWarning):
    """Another installed distribution provides a package of the same import name as ours."""


def _requirement(extra: str | None) -> str:
    """``maas-integrations[extra]``, or the source tree it was installed from."""
    suffix = f"[{extra}]" if extra else ""
    try:
        direct_url = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct_url = None
    source = json.loads(direct_url) if direct_url else {}
    if "dir_info" not in source:
        return shlex.quote(DISTRIBUTION + suffix)
    path = Path(unquote(urlparse(source["url"]).path))
    shown = "." if path == Path.cwd() else os.fspath(path)
    editable = "-e " if source["dir_info"].get("editable") else ""
    return editable + shlex.quote(shown + suffix)


def install_command(extra: str | None = None, *options: str) -> str:
    """The command installing ``maas-integrations[extra]`` into this interpreter's environment."""
    words = [shlex.quote(sys.executable), "-m", "pip", "install", *options]
    return " ".join([*words, _requirement(extra)])


def require(module: str, extra: str, needed_by: str) -> None:
    """Raise one clear ``ImportError`` when ``module`` is missing, naming the extra to install."""
    try:
        found = find_spec(module) is not None
    except ImportError:  # a dotted name whose parent package is missing
        found = False
    if not found:
        raise ImportError(
            f"{needed_by} needs {module}, which is not installed; install the "
            f"'{extra}' extra: {install_command(extra)}",
            name=module,
        )


def warn_if_shadowed(package: str, extra: str) -> None:
    """Warn once when an unrelated distribution also installs ``package`` (PyPI name clash)."""
    for name in SHADOWING_DISTRIBUTIONS.get(package, ()):
        try:
            foreign = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        warnings.warn(
            f"The distribution {name!r} {foreign.version}, unrelated to {DISTRIBUTION}, is also "
            f"installed and ships its own {package!r} package: the two overwrite each other's "
            f"files. Fix: {shlex.quote(sys.executable)} -m pip uninstall -y {name} && "
            f"{install_command(extra, '--force-reinstall', '--no-deps')}",
            NameClashWarning,
            stacklevel=2,
        )
