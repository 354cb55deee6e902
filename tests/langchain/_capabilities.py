"""The capability flags both standard suites read, set once for every configuration."""

from __future__ import annotations


class Capabilities:
    """What ChatMaaS and ChatDashScope support (each configuration's model has it)."""

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return True
