"""Install footprint: what each extra brings, beside what the peers' packages bring.

``python -m benchmarks.footprint`` installs each target into a fresh virtual environment with
pip (what a user runs), then counts the distributions it added and the bytes they take in
site-packages. Our package is installed from this checkout as a wheel, not in editable mode, so
that its own files count too. Prints a Markdown table (the README's "Install footprint").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP = {"pip", "setuptools", "wheel"}

TARGETS: dict[str, str] = {
    "maas-integrations": str(ROOT),
    "maas-integrations[langchain]": f"{ROOT}[langchain]",
    "langchain-openai": "langchain-openai",
    "maas-integrations[llamaindex]": f"{ROOT}[llamaindex]",
    "llama-index-llms-openai-like": "llama-index-llms-openai-like",
}

REPORT = """
import json, sys
from importlib import metadata
from pathlib import Path
rows = []
for dist in metadata.distributions():
    size = sum(Path(dist.locate_file(f)).stat().st_size for f in dist.files or ()
               if Path(dist.locate_file(f)).is_file())
    rows.append((dist.metadata["Name"].lower(), size))
print(json.dumps(rows))
"""


def measure(requirement: str, workdir: Path) -> tuple[int, int, list[str]]:
    """(distributions, bytes, names) that ``pip install requirement`` adds to a new venv."""
    env = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = str(env / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", requirement], check=True)
    out = subprocess.run([python, "-c", REPORT], check=True, capture_output=True, text=True)
    rows = [(name, size) for name, size in json.loads(out.stdout) if name not in BOOTSTRAP]
    return len(rows), sum(size for _, size in rows), sorted(name for name, _ in rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", action="store_true", help="list each target's distributions")
    args = parser.parse_args(argv)
    print("| `pip install` | distributions | MB in site-packages |")
    print("|---|---|---|")
    for label, requirement in TARGETS.items():
        with tempfile.TemporaryDirectory() as tmp:
            count, size, names = measure(requirement, Path(tmp))
        print(f"| `{label}` | {count} | {size / 1e6:.1f} |", flush=True)
        if args.names:
            print("  " + ", ".join(names))


if __name__ == "__main__":
    main()
