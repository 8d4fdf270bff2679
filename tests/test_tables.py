"""The ranking table's sort headers (public/tables.py, templates/public/_table.html), through the test client on
the demo: one column sorted at a time, shown by aria-sort and one arrow; a score sorts best first on its first
click, the rank and the agency from the top; the next click reverses."""

import re

import pytest

pytestmark = pytest.mark.django_db
RANKING = "/rankings/2019/so-ban-nganh/"


def headers(client, query=""):
    """{column class or first word: (the sort its link asks for, aria-sort or None, its arrow or "")}."""
    page = re.sub(r"\s+", " ", client.get(RANKING + query).content.decode())
    head = page.split('id="ranking"', 1)[1].split("</thead>", 1)[0]
    found = {}
    for attrs, cell in re.findall(r"<th scope=\"col\" ([^>]*)>(.*?)</th>", head):
        sort = re.search(r'href="\?(?:q=[^&"]*&amp;)?sort=([^"#&]+)', cell)[1]
        arrow = re.search(r'<span class="sort-arrow" aria-hidden="true">(.)</span>', cell)
        direction = re.search(r'aria-sort="(\w+)"', attrs)
        name = re.sub(r"<[^>]+>", "", cell).split()[0]
        found[name] = (sort, direction and direction[1], arrow[1] if arrow else "")
    return found


def test_without_a_sort_the_official_order_is_marked_on_the_rank_and_every_score_links_best_first(client, demo):
    found = headers(client)
    assert found["Hạng"] == ("-rank", "ascending", "▲")
    assert found["Cơ"] == ("agency", None, "")  # Cơ quan: from A
    assert found["Tổng"] == ("-total", None, "")
    assert found["Thay"] == ("-rank_change", None, "")  # the largest gain first
    assert found["Ứng"] == ("-group_it_application", None, "")
    assert [value for value in found.values() if value[1]] == [("-rank", "ascending", "▲")]


def test_a_sorted_score_is_the_only_column_marked_and_its_link_reverses_it(client, demo):
    found = headers(client, "?sort=-total")
    assert found["Tổng"] == ("total", "descending", "▼")
    assert found["Hạng"] == ("rank", None, "")
    assert sum(1 for value in found.values() if value[1] or value[2]) == 1
    assert headers(client, "?sort=total")["Tổng"] == ("-total", "ascending", "▲")


def test_the_sort_links_keep_the_search(client, demo):
    page = client.get(RANKING + "?q=tai").content.decode()
    assert 'href="?q=tai&amp;sort=-total#ranking"' in page
