"""The downloads beyond one block's year (that one is public.views.ranking_download), and the open-data page that
documents them all. Like every public page: published years only (anything else is a 404), cached whole, and a
constant number of queries whatever the number of agencies, criteria and years."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyGroup
from common.spreadsheets import CONTENT_TYPES
from rankings.models import Participant
from rankings.selectors import PublishedYears, agency_lineage, block_ranking, build_rankings

from . import downloads
from .cache import public_page

HISTORY_FORMATS = ("csv", "xlsx")


def _attachment(content, fmt, filename):
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _format(fmt):
    if fmt not in HISTORY_FORMATS:
        raise Http404(f"No download format {fmt}.")
    return fmt


@public_page
def block_download(request, block_slug, fmt):
    """A block's ranking in every published year it exists in, newest first. Six queries."""
    fmt = _format(fmt)
    block = get_object_or_404(AgencyGroup, slug=block_slug)
    published = PublishedYears()
    years = [year for year in published if block.exists_in(year.year)]
    if not years:
        raise Http404(f"No published year of {block_slug}.")
    by_year = build_rankings(years=years, published=published, blocks=[block])
    rankings = [by_year[year.pk, block.pk] for year in years if by_year[year.pk, block.pk].standings]
    content = (downloads.history_csv([(ranking, s) for ranking in rankings for s in ranking.standings])
               if fmt == "csv" else downloads.block_history_xlsx(block, rankings))
    return _attachment(content, fmt, f"xep-hang-{block.slug}-cac-nam")


def agency_history(agency, published):
    """[HistoryRow] of every published year, newest first: the agency's own results, and those of the agencies it
    was renamed, formed or split from before it (the absorbed keep their own), as its page shows them."""
    years = list(published)
    lineage = agency_lineage(agency, until=published.latest.year if published else None)
    by_year = build_rankings(years=years, published=published,
                             blocks=list(AgencyGroup.objects.filter(pk__in=lineage.block_ids)),
                             successions=lineage.successions)

    def row(agency_id, year, own):
        ranking = by_year.get((year.pk, lineage.block_in(agency_id, year)))
        standing = ranking.standing_of(agency_id) if ranking else None
        return downloads.HistoryRow(ranking, standing, own) if standing else None

    rows = [row(agency.pk, year, True) for year in years]
    rows += [row(succession.predecessor_id, year, False) for succession in lineage.forebears for year in years
             if year.year < succession.year]
    return sorted(filter(None, rows), key=lambda r: (-r.ranking.year.year, r.own is False, r.standing.sort_key))


@public_page
def agency_download(request, slug, fmt):
    """An agency's history, for the link on its page. Eight queries, nine for an agency with a lineage."""
    fmt = _format(fmt)
    agency = get_object_or_404(Agency, slug=slug)
    rows = agency_history(agency, PublishedYears())
    if not rows:
        raise Http404("The agency has no published result.")
    content = (downloads.history_csv([(r.ranking, r.standing) for r in rows]) if fmt == "csv"
               else downloads.agency_history_xlsx(agency, rows))
    return _attachment(content, fmt, f"lich-su-{agency.slug}")


@public_page
def scores_download(request, year, block_slug):
    """Every criterion's score of a block's published year, one line per agency and criterion. Eight queries."""
    published = PublishedYears()
    year = published.get(year)
    block = get_object_or_404(AgencyGroup, slug=block_slug)
    if not block.exists_in(year.year):
        raise Http404(f"No agency group {block_slug} in {year}.")
    ranking = block_ranking(published=published, year=year, block=block)
    return _attachment(downloads.scores_csv(ranking), "csv", f"diem-tieu-chi-{block.slug}-{year.year}")


def _sheets(workbook, year):
    """[(sheet name, [(header, header in the reader's language, meaning)])] of a workbook: names and headers as the
    file has them, in Vietnamese."""
    sheets = downloads.XLSX_SHEETS[workbook]
    with translation.override(settings.LANGUAGE_CODE):
        written = [(str(title) % {"year": year}, [str(header) for header, _meaning in columns])
                   for title, columns in sheets]
    return [(title, [(header, str(column), meaning)
                     for header, (column, meaning) in zip(headers, columns, strict=True)])
            for (title, headers), (_title, columns) in zip(written, sheets, strict=True)]


# The open-data page's sections: (anchor, heading, what it adds, [(field, meaning)]).
FIELD_SECTIONS = [
    ("ranking-fields", gettext_lazy("A block's ranking in one year (CSV; the same fields in JSON)"), "",
     [*downloads.RANKING_FIELDS, downloads.GROUP_FIELD]),
    ("history-fields", gettext_lazy("A block in every published year, and an agency's history (CSV)"),
     gettext_lazy("One line per agency and year, newest year first: these three columns, then those of the one-year "
                  "file above, then one column per criteria group code of any of the years. An agency's history also "
                  "has the lines of the agencies it was renamed, formed or split from, in the years before: their "
                  "agency_slug is theirs."),
     [*downloads.HISTORY_FIELDS, downloads.HISTORY_GROUP_FIELD]),
    ("score-fields", gettext_lazy("Every criterion's score of a block in one year (CSV)"),
     gettext_lazy("One line per agency and criterion that takes a score, the agencies in the ranking's order and the "
                  "criteria in the order of the criteria page."),
     downloads.SCORE_FIELDS),
    ("json-fields", gettext_lazy("A block's ranking in one year (JSON)"),
     gettext_lazy("One object, numbers as numbers, an absent value as null."), downloads.JSON_FIELDS),
]
WORKBOOKS = [
    ("year", gettext_lazy("A block's ranking in one year"), ""),
    ("block", gettext_lazy("A block in every published year"),
     gettext_lazy("A ranking sheet per year, newest first, and the sheet about the data with each year's lines.")),
    ("agency", gettext_lazy("An agency's history"),
     gettext_lazy("Its results newest first, with those of the agencies it was renamed, formed or split from.")),
]


@public_page
def open_data(request):
    """What every download holds, field by field, in the reader's language, with the latest year's files. Three
    queries."""
    published = PublishedYears()
    latest = published.latest
    blocks = [block for block in AgencyGroup.objects.all() if latest and block.exists_in(latest.year)]
    # An agency of the latest year, to show the address of an agency's history.
    example = (Participant.objects.filter(year=latest, block__in=blocks).select_related("agency")
               .order_by("block__order", "sort_key").first() if blocks else None)
    return render(request, "public/open_data.html", {
        "published": published,
        "latest": latest,
        "blocks": blocks,
        "example": example.agency if example else None,
        "field_sections": FIELD_SECTIONS,
        "workbooks": [(heading, intro, _sheets(key, latest.year if latest else ""))
                      for key, heading, intro in WORKBOOKS],
    })
