"""Print a pip constraints file pinning every runtime dependency to its declared lower bound.

The dependencies of maas_core and of the framework and emulator extras, each at the oldest
version pyproject.toml admits: CI installs the test suite under these constraints, so that a lower
bound we claim is one we run. A bound that cannot be resolved or fails the suite must be raised.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

RUNTIME_EXTRAS = ("langchain", "llamaindex", "emulator")
# "name[extras] >=1.2,<2 ; marker" -> ("name", "1.2")
LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?[^;]*?>=\s*([^,;\s]+)")


def main() -> None:
    project = tomllib.loads(Path(sys.argv[1]).read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = [*project["dependencies"], *(r for e in RUNTIME_EXTRAS for r in extras[e])]
    for requirement in requirements:
        match = LOWER_BOUND.match(requirement)
        if match and not match.group(1).startswith(project["name"]):
            print(f"{match.group(1)}=={match.group(2)}")


if __name__ == "__main__":
    main()
