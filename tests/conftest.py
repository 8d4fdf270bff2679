import os

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from config.settings.base import storages
from tests import factories

# Playwright runs an event loop in the test process; the ORM calls around it are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium, without the background requests that this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's first language: a request to /en/ leaves English active in its thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached public pages never leak from one test's data into another's."""
    cache.clear()


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    """Each test stores its uploaded and imported files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = storages(tmp_path / "private", settings.STORAGES["staticfiles"]["BACKEND"])


DEMO_APPS = ["agencies", "criteria", "rankings"]
_demo_rows = {}  # model -> the rows load_demo left in its table: the first test that asks loads it, the others copy


@pytest.fixture
def demo(db):
    """The Hưng Yên demo data, loaded by the same command as `make run`, once per test session.

    The first test that asks runs `load_demo` and keeps every row of the apps' tables (history included);
    later tests put the same rows back in one bulk insert per table instead of loading it again.
    """
    models = [model for label in DEMO_APPS for model in apps.get_app_config(label).get_models()]
    if not _demo_rows:
        call_command("load_demo", verbosity=0)
        _demo_rows.update({model: list(model._base_manager.values()) for model in models})
        return
    with transaction.atomic():  # foreign keys are checked at the end, whatever the order of the tables
        for model in models:
            model._base_manager.all()._raw_delete(connection.alias)  # rows a migration made, made again below
            model._base_manager.bulk_create(model(**row) for row in _demo_rows[model])
        with connection.cursor() as cursor:  # PostgreSQL's sequences continue after the ids put back
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


@pytest.fixture
def people(db):
    """The named users of every role (tests/factories.People)."""
    return factories.People()


@pytest.fixture
def staff_client(client, people):
    client.force_login(people.superuser)
    return client


@pytest.fixture
def block():
    """A block of three departments with criteria 1.1, 1.2 (20 each) and 2.1 split into 2.1.1 and 2.1.2."""
    group = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2019, published=False)
    factories.criterion(year, group, "1.1", 20, name="Máy tính và mạng")
    factories.criterion(year, group, "1.2", 20, name="An toàn thông tin")
    parent = factories.criterion(year, group, "2.1", 40, name="Quản lý văn bản", criteria_group="it_application")
    factories.criterion(year, group, "2.1.1", 20, name="Văn bản đi", criteria_group="it_application", parent=parent)
    factories.criterion(year, group, "2.1.2", 20, name="Văn bản đến", criteria_group="it_application", parent=parent)
    for name, short in [("Sở Tài chính", "Tài chính"), ("Sở Xây dựng", "Xây dựng"), ("Sở Y tế", "Y tế")]:
        factories.agency(group, name=name, short_name=short)
    factories.agency(factories.agency_group(name="UBND cấp huyện"), name="UBND huyện Văn Lâm")
    return year, group



class Inbox:
    """The mailbox (Maildir) an SMTP server delivers into."""

    def __init__(self, path):
        self.path = path

    @property
    def messages(self):
        import mailbox
        from email import message_from_bytes, policy

        return [message_from_bytes(bytes(m), policy=policy.default) for m in mailbox.Maildir(self.path).values()]

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    def subjects(self, address):
        return sorted(str(m["Subject"]).strip() for m in self.to(address))


@pytest.fixture
def smtp_server(settings, tmp_path):
    """A real SMTP server (aiosmtpd's, in a process of its own) on a free port, delivering into a Maildir; Django
    sends the round's e-mails to it.

    Its own process, started outside the project: aiosmtpd imports a package named `public`, like our app.
    """
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    maildir = tmp_path / "maildir"
    server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                               "-c", "aiosmtpd.handlers.Mailbox", str(maildir)], cwd=tmp_path)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("The SMTP server did not start.") from None
            time.sleep(0.1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield Inbox(maildir)
    server.terminate()
    server.wait(timeout=10)
