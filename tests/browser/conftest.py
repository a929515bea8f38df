import os
import shutil

import pytest

# The flags this sandboxed, offline machine needs; Chromium stays quiet on the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium from PATH: never a browser downloaded by Playwright."""
    chromium = shutil.which("chromium")
    if chromium is None:
        message = "browser tests need Chromium: run `apt-get install -y chromium` (Debian)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}
