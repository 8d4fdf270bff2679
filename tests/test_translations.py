import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_FILE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
KEYWORD = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def po_entries(text):
    """(msgid, first msgstr) of each entry, with continued lines joined."""
    for block in text.split("\n\n")[1:]:  # the first block is the header
        fields, current = {}, None
        for line in block.splitlines():
            if match := KEYWORD.match(line):
                current = match[1]
                fields[current] = match[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            yield fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", ""))


def test_every_interface_string_has_a_vietnamese_translation():
    entries = list(po_entries(PO_FILE.read_text(encoding="utf-8")))
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_settings_default_to_vietnamese_in_hanoi_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]


@pytest.mark.django_db
def test_the_admin_speaks_vietnamese_by_default_and_english_on_request(staff_client):
    url = reverse("admin:rankings_score_entry")
    assert url == "/admin/rankings/score/entry/"
    assert "Nhập điểm của một cơ quan" in staff_client.get(url).content.decode()
    english = staff_client.get("/en" + url).content.decode()
    assert "Enter an agency&#x27;s scores" in english


def test_no_interface_string_is_missing_from_the_translation(tmp_path):
    """makemessages on a copy of the code: a new string without its Vietnamese shows up here."""
    root = Path(settings.BASE_DIR)
    for name in ["manage.py", "config", "common", "agencies", "criteria", "rankings", "imports", "public", "templates",
                 "locale"]:
        source = root / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location", "-v0"],
                   cwd=tmp_path, check=True, timeout=120,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    copy = (tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    untranslated = [msgid for msgid, msgstr in po_entries(copy) if not msgstr]
    assert untranslated == []
