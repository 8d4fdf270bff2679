import os
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture
def site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    directory = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    return directory
