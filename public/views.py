from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from agencies.models import Agency, AgencyGroup, Succession
from common.spreadsheets import CONTENT_TYPES
from common.vietnamese import compact
from criteria import rules
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from criteria.rules import Rule
from rankings.models import Participant
from rankings.selectors import (
    PublishedYears,
    agency_groups,
    agency_lineage,
    agency_profile,
    block_criteria,
    block_ranking,
    build_rankings,
    classes_for,
    movement,
    publication_record,
)

from . import charts, downloads
from .cache import public_page
from .forms import AgencyYearsForm, CompareForm
from .tables import RankingTable, agency_choices_html, criteria_rows_html, criteria_sections_html

HOME_LEADERS = 3
COMPARE_MIN, COMPARE_MAX = 2, 4


def _requested_year(form):
    """The year the page was asked for, None for the newest; a 404 for anything else than a year."""
    if not form.is_valid():
        raise Http404("A year is written in four digits.")
    return form.cleaned_data["year"]


def _block(blocks, slug, year):
    """The block of that slug, if it exists in that year (the district block ended, the commune block began)."""
    for block in blocks:
        if block.slug == slug and block.exists_in(year.year):
            return block
    raise Http404(f"No agency group {slug} in {year}.")


def _blocks_in(blocks, year):
    """Those of `blocks` that exist in `year` (read once per request, filtered in Python)."""
    return [block for block in blocks if block.exists_in(year.year)]


def _year_links(published, blocks, block, view_name):
    """[(year, address)]: the same page of every published year, for this block when it exists then, else for the
    first block of that year."""
    links = []
    for year in published:
        same = block if block.exists_in(year.year) else next(iter(_blocks_in(blocks, year)), None)
        if same:
            links.append((year, reverse(view_name, args=[year.year, same.slug])))
    return links


def succession_groups(successions, side):
    """[(kind, year, the other agencies as links)]: one sentence per kind and year ("formed in 2025 from A, B")."""
    groups = {}
    for succession in successions:
        other = getattr(succession, side)
        groups.setdefault((succession.kind, succession.year), [])
        if other is not None:
            groups[succession.kind, succession.year].append(other)
    return [(kind, year, format_html_join(", ", '<a href="{}">{}</a>', (
        (reverse("public:agency", args=[agency.slug]), agency.name) for agency in others)))
            for (kind, year), others in groups.items()]


@public_page
def home(request):
    published = PublishedYears()
    blocks = agency_groups()
    latest = published.latest
    rankings = []
    if latest:
        year_blocks = _blocks_in(blocks, latest)
        by_block = build_rankings(years=[latest], published=published, blocks=year_blocks, totals_only=True)
        rankings = [by_block[latest.pk, block.pk] for block in year_blocks if by_block[latest.pk, block.pk].standings]
    return render(request, "public/home.html", {
        "published": published,
        "latest": latest,
        "rankings": rankings,
        "earlier": [(year, _blocks_in(blocks, year))
                    for year in published if year != latest],
        "leaders": HOME_LEADERS,
    })


@public_page(params=["sort"], search_params=["q"])
def ranking(request, year, block_slug):
    published = PublishedYears()
    blocks = agency_groups()
    year = published.get(year)
    ranking = block_ranking(published=published, year=year, block=_block(blocks, block_slug, year))
    query = request.GET.get("q", "").strip()
    wanted = compact(query)
    standings = [s for s in ranking.standings if wanted in s.search_text] if query else ranking.standings
    # A search names the agencies of the same name in the year's other blocks, with a link to them.
    elsewhere = list(Participant.objects.filter(year=year).exclude(block=ranking.block).matching(query)
                     .select_related("block", "agency")) if query else []
    table = RankingTable(ranking, standings)
    sort = request.GET.get("sort")
    if sort and sort.removeprefix("-") not in table.columns.names():
        return redirect(request.path)  # an order the table does not have: the page in its own order
    RequestConfig(request, paginate=False).configure(table)
    return render(request, "public/ranking.html", {
        "published": published,
        "blocks": _blocks_in(blocks, year),
        "year_links": _year_links(published, blocks, ranking.block, "public:ranking"),
        "elsewhere": elsewhere,
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
    year = published.get(year)
    ranking = block_ranking(published=published, year=year, block=_block(agency_groups(), block_slug, year))
    response = HttpResponse(downloads.WRITERS[fmt](ranking), content_type=CONTENT_TYPES[fmt])
    if fmt != "json":
        response["Content-Disposition"] = f'attachment; filename="xep-hang-{block_slug}-{year.year}.{fmt}"'
    return response


@public_page(params=["year", "against"])
def agency(request, slug):
    agency = get_object_or_404(Agency, slug=slug)
    published = PublishedYears()
    years = list(published)
    lineage = agency_lineage(agency, until=published.latest.year if published else None)
    # Its block, and those it or a forebear was evaluated in before: from the blocks read once per data version, and
    # one made since this process read them (the agency moved into it a moment ago) read now.
    known = {block.pk: block for block in agency_groups()}
    known |= AgencyGroup.objects.in_bulk(lineage.block_ids - known.keys())
    agency.group = known[agency.group_id]
    blocks = [known[block_id] for block_id in lineage.block_ids]
    by_year = build_rankings(years=years, published=published, blocks=blocks, successions=lineage.successions)

    def result(agency_id, year):
        """(the block's ranking, the agency's standing), either None."""
        ranking = by_year.get((year.pk, lineage.block_in(agency_id, year)))
        return ranking, ranking.standing_of(agency_id) if ranking else None

    # (year, the block's ranking, the agency's standing or None), newest first
    history = [(year, *result(agency.pk, year)) for year in years]
    # The results of the agencies it was renamed from, formed from or split from, before it: theirs, marked so.
    forebears = sorted(((year, ranking, standing, succession.predecessor)
                        for succession in lineage.forebears for year in years if year.year < succession.year
                        for ranking, standing in [result(succession.predecessor_id, year)] if standing),
                       key=lambda row: (-row[0].year, row[2].sort_key))
    # A year without a result of its own is left out where it means nothing: its forebears' years, and the years
    # after it was merged, split or dissolved.
    covered, ended = {year for year, *_rest in forebears}, min((s.year for s in lineage.fates), default=None)
    history = [(year, ranking, standing) for year, ranking, standing in history
               if standing or (year not in covered and (ended is None or year.year < ended))]
    ranked_years = [year for year, _block, standing in history if standing]
    if not ranked_years and not forebears:
        raise Http404("The agency has no published result.")  # nor is anything of it told before publication

    form = AgencyYearsForm(request.GET)
    chosen, requested = None, _requested_year(form)
    if ranked_years:
        chosen = published.get(requested) if requested else ranked_years[0]
    context = {"agency": agency, "published": published, "history": history, "forebears": forebears,
               "origins": succession_groups(lineage.origins, "predecessor"),
               "fates": succession_groups(lineage.fates, "successor"), "chosen": chosen}
    if chosen:
        block, standing = result(agency.pk, chosen)
        if standing is None:
            raise Http404(f"The agency is not ranked in {chosen}.")
        profile = agency_profile(agency, block, standing)
        series = [(standing.display_name, block.group_percents(standing))]
        if profile["average"]:
            series.append((_("Block average"), block.group_percents()))
        if profile["leader"] and profile["leader"].agency_id != agency.pk:
            series.append((_("Leader: %(name)s") % {"name": profile["leader"].display_name},
                           block.group_percents(profile["leader"])))
        context.update(profile, radar=charts.group_radar(block.group_maxima, series),
                       criteria_rows=criteria_rows_html(profile["criteria"]))
        # Why it moved: against the year the reader picks, or its previous year with a result.
        others = [year for year in ranked_years if year != chosen]
        against = form.cleaned_data["against"]
        against = published.get(against) if against else next((y for y in others if y.year < chosen.year), None)
        if against is not None:
            if against not in others:
                raise Http404(f"The agency has no other result in {against} to compare with.")
            context["movement"] = movement(agency, block, standing, *result(agency.pk, against), profile["criteria"])
        context["other_years"] = others
        # Compare links to the leader, or for the leader to the runner-up (a comparison needs two).
        context["compare_with"] = next((s for s in block.ranked if s.agency_id != agency.pk), None)
        context["history_chart"] = charts.history_line(
            [(year, standing) for year, _block, standing in reversed(history)],
            [(year, standing, predecessor.name) for year, _block, standing, predecessor in forebears])
    return render(request, "public/agency.html", context)


@public_page
def criteria(request, year, block_slug):
    published = PublishedYears()
    blocks = agency_groups()
    year = published.get(year)
    block = _block(blocks, block_slug, year)
    criteria = block_criteria(year, block)  # as the block's agency pages read them: once per data version
    groups = CriteriaGroup.objects.in_bulk({criterion.criteria_group_id for criterion in criteria})
    if any(criterion.criteria_group_id not in groups for criterion in criteria):
        # A group removed since this process read the criteria for the version: both as they are now.
        criteria = block_criteria.__wrapped__(year, block)  # the same query, not kept
        groups = CriteriaGroup.objects.in_bulk({criterion.criteria_group_id for criterion in criteria})
    sections = {}
    for criterion in criteria:
        sections.setdefault(groups[criterion.criteria_group_id], []).append(criterion)
    maxima = {row["criteria_group_id"]: row["maximum"]
              for row in Criterion.objects.filter(year=year, agency_group=block).maxima()}
    return render(request, "public/criteria.html", {
        "published": published,
        "blocks": _blocks_in(blocks, year),
        "year_links": _year_links(published, blocks, block, "public:criteria"),
        "year": year,
        "current_block": block,  # not "block": templates use that name for {% block %}
        "has_criteria": bool(sections),
        "criteria_sections": criteria_sections_html([(group, items, maxima[group.pk])
                                                     for group, items in sections.items()]),
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
    # Who can be chosen, block by block: totals are enough; the chosen block is then ranked in full.
    rankings = build_rankings(years=[year], published=published,
                              blocks=_blocks_in(agency_groups(), year), totals_only=True)
    error, ranking, chosen = None, None, []
    if slugs:
        everyone = {s.slug: block_ranking.block for block_ranking in rankings.values() for s in block_ranking.standings}
        unknown = [slug for slug in slugs if slug not in everyone]
        blocks = {everyone[slug] for slug in slugs if slug in everyone}
        if unknown:
            error = _("These agencies have no published result in %(year)s: %(slugs)s.") % {
                "year": year, "slugs": ", ".join(unknown)}
        elif not COMPARE_MIN <= len(slugs) <= COMPARE_MAX:
            error = _("Choose from %(min)d to %(max)d agencies.") % {"min": COMPARE_MIN, "max": COMPARE_MAX}
        elif len(blocks) > 1:
            error = _("Agencies are compared inside one block: choose them from the same block.")
        else:
            ranking = block_ranking(published=published, year=year, block=everyone[slugs[0]])
            by_slug = {s.slug: s for s in ranking.standings}
            chosen = [by_slug[slug] for slug in slugs]
    # A choice that cannot be compared answers 400: the page explains why, and it is never cached.
    return render(request, "public/compare.html", status=400 if error else 200, context={
        "published": published,
        "year": year,
        "choices": [(r.block, agency_choices_html(r.alphabetical, slugs)) for r in rankings.values() if r.standings],
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


SEARCH_LIMIT = 50


@public_page(search_params=["q"])
def search(request):
    """Every agency of every block and year, by any name it had, without diacritics or punctuation ("tttt" finds
    Sở TT&TT), each with the years and blocks it was evaluated in and what it became."""
    query = request.GET.get("q", "").strip()
    results = []
    if compact(query):
        # Only agencies evaluated in a published year, and what became of them by then.
        published = Participant.objects.filter(year__status=EvaluationYear.Status.PUBLISHED)
        agencies = list(Agency.objects.filter(
            Q(pk__in=published.matching(query).values("agency_id"))
            | Q(search_text__contains=compact(query), pk__in=published.values("agency_id"))).order_by("sort_key")
                        [:SEARCH_LIMIT])
        latest = EvaluationYear.objects.published().order_by("-year").values_list("year", flat=True).first()
        participations, fates = {}, {}
        for participant in (published.filter(agency__in=agencies).select_related("year", "block")
                            .order_by("-year__year")):
            participations.setdefault(participant.agency_id, []).append(participant)
        for succession in Succession.objects.filter(predecessor__in=agencies, year__lte=latest or 0).select_related(
                "successor"):
            fates.setdefault(succession.predecessor_id, []).append(succession)
        results = [(agency, participations.get(agency.pk, []), succession_groups(fates.get(agency.pk, []), "successor"))
                   for agency in agencies]
    return render(request, "public/search.html", {"query": query, "results": results, "limit": SEARCH_LIMIT})
