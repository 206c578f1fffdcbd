"""docs/deployment.md lists every environment variable helpnet/settings.py reads, so the guide stays true."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_setting_is_in_the_deployment_guide():
    settings_source = (ROOT / "helpnet" / "settings.py").read_text(encoding="utf-8")
    names = set(
        re.findall(
            r"""(?:environ\.get\(|environ\[|env_bool\()\s*["']([A-Z][A-Z0-9_]+)["']""", settings_source
        )
    )
    assert {"DATABASE_URL", "SECRET_KEY", "DATABASE_REPLICA_URL"} <= names  # the pattern finds them
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert missing == [], f"add these to the table in docs/deployment.md: {missing}"
