"""Every download opens in LibreOffice (converted headless) and in pandas, without a warning, with its numbers.

LibreOffice is a system package (`make system-packages` installs libreoffice-calc-nogui): without it this test
fails, it never skips.
"""

import json
import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

from agencies.models import AgencyGroup
from criteria.models import Criterion
from rankings.selectors import PublishedYears, block_ranking

pytestmark = pytest.mark.django_db

DOWNLOADS = {
    "ranking-2019.csv": "/rankings/2019/so-ban-nganh.csv",
    "ranking-2025.xlsx": "/rankings/2025/so-ban-nganh.xlsx",
    "ranking-2019-districts.xlsx": "/rankings/2019/ubnd-huyen.xlsx",
    "ranking-2025.json": "/rankings/2025/so-ban-nganh.json",
    "every-year.csv": "/rankings/so-ban-nganh.csv",
    "every-year.xlsx": "/rankings/so-ban-nganh.xlsx",
    "history.csv": "/agencies/so-nong-nghiep-va-moi-truong.csv",
    "history.xlsx": "/agencies/so-nong-nghiep-va-moi-truong.xlsx",
    "scores-2025.csv": "/scores/2025/so-ban-nganh.csv",
}
# The CSV import as a reader sets it: comma, double quotes, UTF-8, from the first line.
CSV_IMPORT = "CSV:44,34,UTF8,1"


def soffice(*arguments, profile):
    """LibreOffice headless with a profile of its own (another one may be running), its output checked."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    assert program, "LibreOffice is missing: `make system-packages` installs libreoffice-calc-nogui"
    done = subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           *arguments], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def read(path):
    """The file as pandas reads it, with every warning an error: {sheet name: DataFrame}."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if path.suffix == ".csv":
            return {"": pd.read_csv(path)}
        if path.suffix == ".json":
            return {"": pd.json_normalize(json.loads(path.read_bytes())["results"])}
        return pd.read_excel(path, sheet_name=None, engine="odf" if path.suffix == ".ods" else "openpyxl")


def same_values(left, right):
    """The same table, whatever types the spreadsheet gave its cells: numbers equal, texts equal."""
    assert list(left.columns) == list(right.columns)
    assert left.shape == right.shape
    compared = []
    for name in left.columns:
        a, b = left[name], right[name]
        if pd.api.types.is_numeric_dtype(a) and not pd.api.types.is_bool_dtype(a):
            assert np.allclose(a.astype(float), b.astype(float), equal_nan=True), name
            compared.append(name)
        elif pd.api.types.is_string_dtype(a) and pd.api.types.is_string_dtype(b):
            assert a.fillna("").tolist() == b.fillna("").tolist(), name
            compared.append(name)
    assert {"agency", "agency_slug"} <= set(compared) and len(compared) > len(left.columns) // 2, compared


def test_every_download_opens_in_libreoffice_and_in_pandas_without_warnings(client, demo, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    for name, url in DOWNLOADS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (files / name).write_bytes(response.content)
    original = {name: read(files / name) for name in DOWNLOADS}

    converted = tmp_path / "converted"
    profile = tmp_path / "libreoffice"
    workbooks = [str(files / name) for name in DOWNLOADS if name.endswith(".xlsx")]
    texts = [str(files / name) for name in DOWNLOADS if name.endswith(".csv")]
    soffice("--convert-to", "ods", "--outdir", str(converted), *workbooks, profile=profile)
    soffice(f"--infilter={CSV_IMPORT}", "--convert-to", "xlsx", "--outdir", str(converted), *texts, profile=profile)

    for name in DOWNLOADS:
        if name.endswith(".json"):
            continue
        stem, suffix = name.rsplit(".", 1)
        again = read(converted / f"{stem}.{'ods' if suffix == 'xlsx' else 'xlsx'}")
        if suffix == "xlsx":  # every sheet, as LibreOffice read it and wrote it again
            assert list(again) == list(original[name]), name
            for sheet, frame in original[name].items():
                pd.testing.assert_frame_equal(frame, again[sheet], check_dtype=False, obj=f"{name}: {sheet}")
        else:
            same_values(original[name][""], next(iter(again.values())))

    published = PublishedYears()
    ranking = block_ranking(published=published, year=published.get(2025),
                            block=AgencyGroup.objects.get(slug="so-ban-nganh"))
    names = [s.name for s in ranking.standings]
    totals = [float(s.total) for s in ranking.standings]
    # The Vietnamese names and the numbers came through every reader.
    assert original["ranking-2025.json"][""]["agency.name"].tolist() == names
    assert original["ranking-2025.json"][""]["total"].tolist() == totals
    sheet = original["ranking-2025.xlsx"]["Xếp hạng 2025"]
    assert sheet["Cơ quan"].tolist() == names
    assert sheet["Số điểm quy đổi (tối đa 100)"].tolist() == totals
    every_year = original["every-year.csv"][""]
    assert every_year[every_year["year"] == 2025]["agency"].tolist() == names
    assert every_year[every_year["year"] == 2025]["total"].tolist() == totals
    from_libreoffice = read(converted / "every-year.xlsx")
    sheet = next(iter(from_libreoffice.values()))
    assert sheet[sheet["year"] == 2025]["agency"].tolist() == names
    assert read(converted / "ranking-2025.ods")["Xếp hạng 2025"]["Cơ quan"].tolist() == names
    criteria = Criterion.objects.scorable().filter(year=ranking.year, agency_group=ranking.block).count()
    assert len(original["scores-2025.csv"][""]) == len(ranking.standings) * criteria
