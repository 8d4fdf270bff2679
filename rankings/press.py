"""The press summary of a published year, written from its results as the province's own news would say it:
who leads each block with what total out of what, the criteria groups it stands out in, who follows, who is last
and where they fell short. In Vietnamese, the language of the province's news; its numbers are the rankings'."""

from django.utils import formats, translation

from common.numbers import points

from .appendix import appendix_tables

# A block this small is told in full, place by place; a larger one names the three places after the leader.
TOLD_IN_FULL = 10


def _group_percents(ranking, standing):
    """(criteria group, points, maximum, percent) of `standing`, on what applies to it."""
    percents = ranking.group_percents(standing)
    return [(g.criteria_group, standing.groups[g.code], g.maximum, percents[g.code]) for g in ranking.group_maxima]


def _groups_text(groups, with_maximum=False):
    parts = [f"{group.name} ({points(value)}{'/' + points(maximum) if with_maximum else ''} điểm)"
             for group, value, maximum, _percent in groups]
    return _join(parts)


def _join(parts):
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}"


def _standout(ranking, standing):
    """The groups where the agency does better than on its whole evaluation."""
    return [g for g in _group_percents(ranking, standing) if g[3] > standing.percent]


def _shortfalls(ranking, standing, count=2):
    """Its weakest groups, by share of what applies, and its strongest."""
    groups = sorted(_group_percents(ranking, standing), key=lambda g: g[3])
    return groups[:count], groups[-1]


def block_paragraph(table):
    ranking = table.ranking
    ranked = ranking.ranked
    if not ranked:
        return f"Khối {ranking.block.name}: chưa có cơ quan nào được xếp hạng."
    leader = ranked[0]
    sentences = [f"Khối {ranking.block.name} ({len(ranked)} cơ quan, đơn vị được xếp hạng): dẫn đầu là "
                 f"{leader.name} với tổng điểm {points(leader.total)}/{points(ranking.max_total)} điểm"]
    standout = _standout(ranking, leader)
    if standout:
        sentences[0] += f", nổi trội ở các nhóm tiêu chí {_groups_text(standout)}"
    sentences[0] += "."
    followers = ranked[1:] if len(ranked) <= TOLD_IN_FULL else ranked[1:4]
    if followers:
        places = _join([str(s.rank) for s in followers]) if len(followers) <= 3 else ""
        names = _join([f"{s.name} ({points(s.total)} điểm)" for s in followers])
        sentences.append(f"Các vị trí thứ {places} lần lượt thuộc về {names}." if places
                         else f"Các vị trí tiếp theo lần lượt thuộc về {names}.")
    last = ranked[-2:] if len(ranked) > TOLD_IN_FULL else ranked[1:][-1:]
    for standing in last:
        weakest, strongest = _shortfalls(ranking, standing)
        sentences.append(
            f"{standing.name} xếp thứ {standing.rank}/{len(ranked)} với {points(standing.total)} điểm, "
            f"còn hạn chế ở các nhóm tiêu chí {_groups_text(weakest, with_maximum=True)} "
            f"(cộng lại {points(sum(g[1] for g in weakest))} điểm), dù nhóm {strongest[0].name} đạt "
            f"{points(strongest[1])}/{points(strongest[2])} điểm.")
    return " ".join(sentences)


def publication_summary(year):
    """The summary of `year` (published), as text: a title, then one paragraph per block."""
    with translation.override("vi"):
        opening = (f"Kết quả đánh giá, xếp hạng mức độ Chính quyền điện tử trong cơ quan nhà nước năm {year.year} "
                   f"được phê duyệt")
        if year.decision_number:
            opening += (f" tại Quyết định số {year.decision_number} ngày "
                        f"{formats.date_format(year.decision_signed_on, 'SHORT_DATE_FORMAT')}")
        tables = appendix_tables(year)
        opening += f", đánh giá theo {len(tables)} khối cơ quan, đơn vị."
        paragraphs = [f"Công bố kết quả xếp hạng Chính quyền điện tử năm {year.year}", opening,
                      *(block_paragraph(table) for table in tables)]
        if year.incomplete_reason:
            paragraphs.append(f"Lưu ý: kết quả được công bố khi chưa đầy đủ — {year.incomplete_reason}")
        return "\n\n".join(paragraphs)
