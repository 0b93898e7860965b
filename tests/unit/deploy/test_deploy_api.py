"""``thera_sdk.deploy.__all__`` lists exactly what the package exports."""

from __future__ import annotations

import thera_sdk.deploy as deploy


def test_all_matches_the_exports() -> None:
    public = {name for name in vars(deploy) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(deploy, name)).__name__ == "module"}
    assert set(deploy.__all__) == public - modules
