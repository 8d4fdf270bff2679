from statistics import median

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from agencies.models import Agency, AgencyGroup
from common.spreadsheets import CONTENT_TYPES
from common.vietnamese import fold
from criteria.models import Criterion
from rankings.models import Band, Score
from rankings.selectors import PublishedYears, block_ranking, build_rankings, publication_record

from . import charts, downloads
from .cache import public_page
from .tables import RankingTable

HOME_LEADERS = 3
COMPARE_MIN, COMPARE_MAX = 2, 4


def _requested_year(request):
    """The `?year=` of the request as a number, None when absent; a 404 for anything but four digits."""
    text = request.GET.get("year")
    if text is None:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise Http404("A year is written in four digits.")
    return int(text)


def _agency_group(agency_groups, slug):
    for group in agency_groups:
        if group.slug == slug:
            return group
    raise Http404(f"No agency group {slug}.")


@public_page
def home(request):
    published = PublishedYears()
    agency_groups = list(AgencyGroup.objects.all())
    latest = published.latest
    rankings = []
    if latest:
        by_block = build_rankings(years=[latest], published=published, agency_groups=agency_groups)
        rankings = [by_block[latest.pk, group.pk] for group in agency_groups if by_block[latest.pk, group.pk].standings]
    return render(request, "public/home.html", {
        "published": published,
        "latest": latest,
        "rankings": rankings,
        "leaders": HOME_LEADERS,
    })


@public_page(params=["sort"], search_params=["q"])
def ranking(request, year, group_slug):
    published = PublishedYears()
    agency_groups = list(AgencyGroup.objects.all())
    ranking = block_ranking(published=published, year=published.get(year),
                            agency_group=_agency_group(agency_groups, group_slug))
    query = request.GET.get("q", "").strip()
    folded = fold(query)
    standings = [s for s in ranking.standings if folded in s.search_text] if query else ranking.standings
    table = RankingTable(ranking, standings)
    sort = request.GET.get("sort")
    if sort and sort.removeprefix("-") not in table.columns.names():
        return redirect(request.path)  # an order the table does not have: the page in its own order
    RequestConfig(request, paginate=False).configure(table)
    return render(request, "public/ranking.html", {
        "published": published,
        "agency_groups": agency_groups,
        "ranking": ranking,
        "table": table,
        "query": query,
        "chart": charts.totals_bar(ranking, ranking.standings) if ranking.standings else "",
    })


@public_page
def ranking_download(request, year, group_slug, fmt):
    if fmt not in downloads.WRITERS:
        raise Http404(f"No download format {fmt}.")
    published = PublishedYears()
    ranking = block_ranking(published=published, year=published.get(year),
                            agency_group=get_object_or_404(AgencyGroup, slug=group_slug))
    response = HttpResponse(downloads.WRITERS[fmt](ranking), content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="xep-hang-{group_slug}-{year}.{fmt}"'
    return response


@public_page(params=["year"])
def agency(request, slug):
    agency = get_object_or_404(Agency.objects.select_related("group"), slug=slug)
    published = PublishedYears()
    years = list(published)
    by_year = build_rankings(years=years, published=published, agency_groups=[agency.group])
    # (year, the block's ranking, the agency's standing or None), newest first
    history = [(year, by_year[year.pk, agency.group_id]) for year in years]
    history = [(year, block, block.standing_of(agency.pk)) for year, block in history]
    ranked_years = [year for year, _block, standing in history if standing]

    chosen, requested = None, _requested_year(request)
    if ranked_years:
        chosen = published.get(requested) if requested else ranked_years[0]
    context = {"agency": agency, "published": published, "history": history, "chosen": chosen}
    if chosen:
        block = by_year[chosen.pk, agency.group_id]
        standing = block.standing_of(agency.pk)
        if standing is None:
            raise Http404(f"The agency is not ranked in {chosen}.")
        context.update(_agency_year(agency, block, standing))
        context["history_chart"] = charts.history_line(
            [(year, standing) for year, _block, standing in reversed(history)])
    return render(request, "public/agency.html", context)


def _agency_year(agency, block, standing):
    """What the agency page shows for one year: groups against the block, strengths, spread, criteria."""
    average, leader = block.average(), block.leader
    # Strong groups score above the agency's own overall percentage, weak ones below: the article's "nổi trội".
    share = {g.code: standing.groups[g.code] * 100 / g.maximum for g in block.group_maxima}
    by_share = sorted(block.group_maxima, key=lambda g: share[g.code], reverse=True)
    criteria = list(
        Criterion.objects.filter(year=block.year, agency_group=agency.group_id)
        .select_related("criteria_group")
        .order_by("criteria_group__order", "order", "code")
    )
    # Appraised values only: a self-assessment waiting for appraisal has no official value.
    scores = dict(Score.objects.filter(agency=agency, criterion__year=block.year, value__isnull=False)
                  .values_list("criterion", "value"))
    for criterion in criteria:  # a criterion with sub-criteria shows the sum of theirs
        if criterion.parent_id and criterion.pk in scores:
            scores[criterion.parent_id] = scores.get(criterion.parent_id, 0) + scores[criterion.pk]
    totals = sorted((s.total for s in block.standings), reverse=True)
    below = sum(1 for total in totals if total < standing.total)
    series = [(agency.display_name, standing.groups), (_("Block average"), average["groups"])]
    if leader.agency_id != agency.pk:
        series.append((_("Leader: %(name)s") % {"name": leader.display_name}, leader.groups))
    return {
        "block_ranking": block,
        "standing": standing,
        "average": average,
        "leader": leader,
        "group_rows": [
            (g, standing.groups[g.code], average["groups"][g.code], leader.groups[g.code]) for g in block.group_maxima
        ],
        "strong_groups": [g for g in by_share if share[g.code] > standing.percent],
        "weak_groups": [g for g in reversed(by_share) if share[g.code] < standing.percent],
        "criteria": [(c, scores.get(c.pk)) for c in criteria],
        "spread": {
            "highest": totals[0], "lowest": totals[-1], "median": median(totals),
            "below": below, "count": len(totals),
        },
        "radar": charts.group_radar(block.group_maxima, series),
    }


@public_page
def criteria(request, year, group_slug):
    published = PublishedYears()
    agency_groups = list(AgencyGroup.objects.all())
    year = published.get(year)
    agency_group = _agency_group(agency_groups, group_slug)
    criteria = list(
        Criterion.objects.filter(year=year, agency_group=agency_group)
        .select_related("criteria_group")
        .order_by("criteria_group__order", "order", "code")
    )
    sections = {}
    for criterion in criteria:
        sections.setdefault(criterion.criteria_group, []).append(criterion)
    parent_ids = {c.parent_id for c in criteria}
    scored = [c for c in criteria if c.pk not in parent_ids]  # a parent's maximum is the sum of its children's
    return render(request, "public/criteria.html", {
        "published": published,
        "agency_groups": agency_groups,
        "year": year,
        "agency_group": agency_group,
        "sections": [
            (group, items, sum(c.max_points for c in items if c.pk not in parent_ids))
            for group, items in sections.items()
        ],
        "max_total": sum(c.max_points for c in scored),
        "bands": list(Band.objects.order_by("-min_percent")),
        "publication": publication_record(year),
    })


@public_page(params=["year"], list_params=["agencies"])
def compare(request):
    published = PublishedYears()
    if not published:
        raise Http404("Nothing is published yet.")
    requested = _requested_year(request)
    year = published.get(requested) if requested else published.latest
    # ?agencies=a,b from a link, or ?agencies=a&agencies=b from the form's checkboxes: one list by now (cache.py)
    slugs = request.GET["agencies"].split(",") if "agencies" in request.GET else []
    agency_groups = list(AgencyGroup.objects.all())
    rankings = build_rankings(years=[year], published=published, agency_groups=agency_groups)
    error, block, chosen = None, None, []
    if slugs:
        everyone = {s.slug: (ranking, s) for ranking in rankings.values() for s in ranking.standings}
        unknown = [slug for slug in slugs if slug not in everyone]
        blocks = {everyone[slug][0].agency_group.pk for slug in slugs if slug in everyone}
        if unknown:
            error = _("These agencies have no published result in %(year)s: %(slugs)s.") % {
                "year": year, "slugs": ", ".join(unknown)}
        elif not COMPARE_MIN <= len(slugs) <= COMPARE_MAX:
            error = _("Choose from %(min)d to %(max)d agencies.") % {"min": COMPARE_MIN, "max": COMPARE_MAX}
        elif len(blocks) > 1:
            error = _("Agencies are compared inside one block: choose them from the same block.")
        else:
            block = everyone[slugs[0]][0]
            chosen = [everyone[slug][1] for slug in slugs]
    # A choice that cannot be compared answers 400: the page explains why, and it is never cached.
    return render(request, "public/compare.html", status=400 if error else 200, context={
        "published": published,
        "year": year,
        "rankings": [r for r in rankings.values() if r.standings],
        "selected": slugs,
        "error": error,
        "block_ranking": block,
        "chosen": chosen,
        "group_rows": [(g, [s.groups[g.code] for s in chosen]) for g in block.group_maxima] if block else [],
        "radar": charts.group_radar(block.group_maxima, [(s.display_name, s.groups) for s in chosen]) if block else "",
        "min": COMPARE_MIN,
        "max": COMPARE_MAX,
    })
