from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from agencies.models import Agency, AgencyGroup
from common.spreadsheets import CONTENT_TYPES
from common.vietnamese import fold
from criteria import rules
from criteria.models import Criterion
from criteria.rules import Rule
from rankings.selectors import (
    PublishedYears,
    agency_profile,
    block_ranking,
    build_rankings,
    classes_for,
    publication_record,
)

from . import charts, downloads
from .cache import public_page
from .forms import CompareForm, YearForm
from .tables import RankingTable

HOME_LEADERS = 3
COMPARE_MIN, COMPARE_MAX = 2, 4


def _requested_year(form):
    """The year the page was asked for, None for the newest; a 404 for anything else than a year."""
    if not form.is_valid():
        raise Http404("A year is written in four digits.")
    return form.cleaned_data["year"]


def _block(blocks, slug):
    for block in blocks:
        if block.slug == slug:
            return block
    raise Http404(f"No agency group {slug}.")


@public_page
def home(request):
    published = PublishedYears()
    blocks = list(AgencyGroup.objects.all())
    latest = published.latest
    rankings = []
    if latest:
        by_block = build_rankings(years=[latest], published=published, blocks=blocks)
        rankings = [by_block[latest.pk, block.pk] for block in blocks if by_block[latest.pk, block.pk].standings]
    return render(request, "public/home.html", {
        "published": published,
        "latest": latest,
        "rankings": rankings,
        "leaders": HOME_LEADERS,
    })


@public_page(params=["sort"], search_params=["q"])
def ranking(request, year, block_slug):
    published = PublishedYears()
    blocks = list(AgencyGroup.objects.all())
    ranking = block_ranking(published=published, year=published.get(year),
                            block=_block(blocks, block_slug))
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
        "blocks": blocks,
        "ranking": ranking,
        "table": table,
        "query": query,
        "chart": charts.totals_bar(ranking, ranking.standings) if ranking.standings else "",
    })


@public_page
def ranking_download(request, year, block_slug, fmt):
    if fmt not in downloads.WRITERS:
        raise Http404(f"No download format {fmt}.")
    published = PublishedYears()
    ranking = block_ranking(published=published, year=published.get(year),
                            block=_block(AgencyGroup.objects.all(), block_slug))
    response = HttpResponse(downloads.WRITERS[fmt](ranking), content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="xep-hang-{block_slug}-{year}.{fmt}"'
    return response


@public_page(params=["year"])
def agency(request, slug):
    agency = get_object_or_404(Agency.objects.select_related("group"), slug=slug)
    published = PublishedYears()
    years = list(published)
    by_year = build_rankings(years=years, published=published, blocks=[agency.group])
    # (year, the block's ranking, the agency's standing or None), newest first
    history = [(year, by_year[year.pk, agency.group_id]) for year in years]
    history = [(year, block, block.standing_of(agency.pk)) for year, block in history]
    ranked_years = [year for year, _block, standing in history if standing]

    chosen, requested = None, _requested_year(YearForm(request.GET))
    if ranked_years:
        chosen = published.get(requested) if requested else ranked_years[0]
    context = {"agency": agency, "published": published, "history": history, "chosen": chosen}
    if chosen:
        block = by_year[chosen.pk, agency.group_id]
        standing = block.standing_of(agency.pk)
        if standing is None:
            raise Http404(f"The agency is not ranked in {chosen}.")
        profile = agency_profile(agency, block, standing)
        series = [(agency.display_name, block.group_percents(standing))]
        if profile["average"]:
            series.append((_("Block average"), block.group_percents()))
        if profile["leader"] and profile["leader"].agency_id != agency.pk:
            series.append((_("Leader: %(name)s") % {"name": profile["leader"].display_name},
                           block.group_percents(profile["leader"])))
        context.update(profile, radar=charts.group_radar(block.group_maxima, series))
        context["history_chart"] = charts.history_line(
            [(year, standing) for year, _block, standing in reversed(history)])
    return render(request, "public/agency.html", context)


@public_page
def criteria(request, year, block_slug):
    published = PublishedYears()
    blocks = list(AgencyGroup.objects.all())
    year = published.get(year)
    block = _block(blocks, block_slug)
    criteria = list(
        Criterion.objects.filter(year=year, agency_group=block)
        .select_related("criteria_group")
        .order_by("criteria_group__order", "order", "code")
    )
    sections = {}
    for criterion in criteria:
        sections.setdefault(criterion.criteria_group, []).append(criterion)
    maxima = {row["criteria_group_id"]: row["maximum"]
              for row in Criterion.objects.filter(year=year, agency_group=block).maxima()}
    return render(request, "public/criteria.html", {
        "published": published,
        "blocks": blocks,
        "year": year,
        "current_block": block,  # not "block": templates use that name for {% block %}
        "sections": [(group, items, maxima[group.pk]) for group, items in sections.items()],
        "max_total": sum(maxima.values()),
        "rule_descriptions": [(Rule(rule).label, rules.DESCRIPTIONS[rule])
                              for rule in Rule.values if rule != Rule.POINTS and any(c.rule == rule for c in criteria)],
        "bands": classes_for(year, block),
        "publication": publication_record(year),
    })


@public_page(params=["year"], list_params=["agencies"])
def compare(request):
    published = PublishedYears()
    if not published:
        raise Http404("Nothing is published yet.")
    form = CompareForm(request.GET)
    requested = _requested_year(form)
    year = published.get(requested) if requested else published.latest
    slugs = form.cleaned_data["agencies"]
    rankings = build_rankings(years=[year], published=published, blocks=list(AgencyGroup.objects.all()))
    error, ranking, chosen = None, None, []
    if slugs:
        everyone = {s.slug: (block_ranking, s) for block_ranking in rankings.values() for s in block_ranking.standings}
        unknown = [slug for slug in slugs if slug not in everyone]
        blocks = {everyone[slug][0].block.pk for slug in slugs if slug in everyone}
        if unknown:
            error = _("These agencies have no published result in %(year)s: %(slugs)s.") % {
                "year": year, "slugs": ", ".join(unknown)}
        elif not COMPARE_MIN <= len(slugs) <= COMPARE_MAX:
            error = _("Choose from %(min)d to %(max)d agencies.") % {"min": COMPARE_MIN, "max": COMPARE_MAX}
        elif len(blocks) > 1:
            error = _("Agencies are compared inside one block: choose them from the same block.")
        else:
            ranking = everyone[slugs[0]][0]
            chosen = [everyone[slug][1] for slug in slugs]
    # A choice that cannot be compared answers 400: the page explains why, and it is never cached.
    return render(request, "public/compare.html", status=400 if error else 200, context={
        "published": published,
        "year": year,
        "rankings": [r for r in rankings.values() if r.standings],
        "selected": slugs,
        "error": error,
        "block_ranking": ranking,
        "chosen": chosen,
        "criteria_group_rows": [(g, [s.groups[g.code] for s in chosen]) for g in ranking.group_maxima]
        if ranking else [],
        "radar": charts.group_radar(ranking.group_maxima,
                                    [(s.display_name, ranking.group_percents(s)) for s in chosen])
        if ranking else "",
        "min": COMPARE_MIN,
        "max": COMPARE_MAX,
    })
