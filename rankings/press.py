"""The press summary of a published year, written from its results as the province's own news would say it:
who leads each block with what total out of what, the criteria groups it stands out in, who follows, who is last
and where they fell short. In Vietnamese, the language of the province's news; its numbers are the rankings'."""

from django.utils import formats, translation

from common.numbers import points

from .appendix import appendix_tables
from .selectors import groups_by_share

# A block this small is told in full, place by place; a larger one names the three places after the leader.
TOLD_IN_FULL = 10


def _groups_text(ranking, standing, groups, with_maximum=False):
    """Each group's name and the agency's points in it (out of its maximum)."""
    parts = [f"{g.criteria_group.name} ({points(standing.groups[g.code])}"
             f"{'/' + points(g.maximum) if with_maximum else ''} điểm)" for g in groups]
    return _join(parts)


def _join(parts):
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}"


def block_paragraph(table):
    ranking = table.ranking
    ranked = ranking.ranked
    if not ranked:
        return f"Khối {ranking.block.name}: chưa có cơ quan nào được xếp hạng."
    leader = ranked[0]
    sentences = [f"Khối {ranking.block.name} ({len(ranked)} cơ quan, đơn vị được xếp hạng): dẫn đầu là "
                 f"{leader.name} với tổng điểm {points(leader.total)}/{points(ranking.max_total)} điểm"]
    # Its standout groups, as its page names them: those above its own overall percent.
    standout = [g for g, share in groups_by_share(ranking, leader) if share > leader.percent]
    if standout:
        sentences[0] += f", nổi trội ở các nhóm tiêu chí {_groups_text(ranking, leader, standout)}"
    sentences[0] += "."
    followers = ranked[1:] if len(ranked) <= TOLD_IN_FULL else ranked[1:4]
    if followers:
        places = _join([str(s.rank) for s in followers]) if len(followers) <= 3 else ""
        names = _join([f"{s.name} ({points(s.total)} điểm)" for s in followers])
        sentences.append(f"Các vị trí thứ {places} lần lượt thuộc về {names}." if places
                         else f"Các vị trí tiếp theo lần lượt thuộc về {names}.")
    last = ranked[-2:] if len(ranked) > TOLD_IN_FULL else ranked[1:][-1:]
    for standing in last:  # where it fell short: its two weakest groups, by share of what applies; and its best
        shared = [g for g, _share in groups_by_share(ranking, standing)]
        weakest, strongest = shared[::-1][:2], shared[0]
        sentences.append(
            f"{standing.name} xếp thứ {standing.rank}/{len(ranked)} với {points(standing.total)} điểm, "
            f"còn hạn chế ở các nhóm tiêu chí {_groups_text(ranking, standing, weakest, with_maximum=True)} "
            f"(cộng lại {points(sum(standing.groups[g.code] for g in weakest))} điểm), dù nhóm "
            f"{strongest.criteria_group.name} đạt {points(standing.groups[strongest.code])}/{points(strongest.maximum)}"
            f" điểm.")
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
