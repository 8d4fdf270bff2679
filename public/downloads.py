"""The ranking downloads: CSV, XLSX and JSON, all from the same Ranking as the page."""

import csv
import io
import json

from openpyxl import Workbook

from common.spreadsheets import neutralise


def header(ranking):
    return ["rank", "rank_change", "agency", "agency_slug", "points", "excluded_points", "applicable_max", "total",
            "max_total", "percent", "class", "ranked", "unranked_reason", "predecessors",
            *(g.code for g in ranking.group_maxima)]


def records(ranking):
    """One list per agency, in the order of `header`: numbers stay numbers, a blank where there is none (the rank
    of an agency not ranked, the change of a new one)."""
    for s in ranking.standings:
        yield [
            s.rank, s.rank_change, neutralise(s.name), neutralise(s.slug), s.points, s.excluded, s.applicable_max,
            s.total, ranking.max_total, s.percent, neutralise(s.band.name) if s.band else None, s.ranked,
            neutralise(s.unranked_reason), ";".join(f'{p["kind"]}:{p["slug"]}' for p in s.predecessors),
            *(s.groups[g.code] for g in ranking.group_maxima),
        ]


CSV_WORDS = {None: "", True: "true", False: "false"}  # as JSON writes them


def to_csv(ranking):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte-order mark makes Excel read UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(ranking))
    writer.writerows([CSV_WORDS.get(v, v) if isinstance(v, bool) or v is None else v for v in row]
                     for row in records(ranking))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(ranking):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{ranking.block.slug} {ranking.year}"[:31])
    sheet.append(header(ranking))
    for row in records(ranking):
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_json(ranking):
    year = ranking.year  # the People's Committee's decision that approved these results; null where none was recorded
    decision = {"number": year.decision_number, "signed_on": year.decision_signed_on.isoformat()} \
        if year.decision_number else None
    data = {
        "year": ranking.year.year,
        "group": {"slug": ranking.block.slug, "name": ranking.block.name},
        "max_total": float(ranking.max_total),
        "decision": decision,
        "criteria_groups": [
            {"code": g.code, "name": g.criteria_group.name, "name_en": g.criteria_group.name_en,
             "max": float(g.maximum)}
            for g in ranking.group_maxima
        ],
        "results": [
            {
                "rank": s.rank,
                "rank_change": s.rank_change,
                "agency": {"name": s.name, "slug": s.slug},
                "points": float(s.points),
                "excluded_points": float(s.excluded),
                "applicable_max": float(s.applicable_max),
                "total": float(s.total),
                "percent": float(s.percent),
                "class": s.band.name if s.band else None,
                "ranked": s.ranked,
                "unranked_reason": s.unranked_reason or None,
                # The agencies it came from since the previous published year (agencies.Succession).
                "predecessors": [{"slug": p["slug"], "name": p["name"], "kind": p["kind"]} for p in s.predecessors],
                "groups": {code: float(score) for code, score in s.groups.items()},
            }
            for s in ranking.standings
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}
