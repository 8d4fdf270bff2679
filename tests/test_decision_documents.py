"""The appendix of the decision (Word and printable) and the press summary, from the 2019 demo: the seed article's
facts (shared/seed/hung-yen-2019.md) must come out of them."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from criteria.models import EvaluationYear
from rankings.press import publication_summary
from tests import factories


@pytest.fixture
def year_2019(demo):
    return EvaluationYear.objects.get(year=2019)


def test_the_press_summary_of_2019_states_the_articles_facts(year_2019):
    text = publication_summary(year_2019)
    departments, districts = [p for p in text.split("\n\n") if p.startswith("Khối")]
    assert ("dẫn đầu là Sở Tài chính với tổng điểm 413/500 điểm, nổi trội ở các nhóm tiêu chí Hạ tầng kỹ thuật "
            "CNTT (50 điểm), Cung cấp dịch vụ công trực tuyến (77 điểm) và Cơ chế chính sách và quy định cho ứng "
            "dụng CNTT (90 điểm)") in departments
    assert re.search(r"Các vị trí thứ 2, 3 và 4 lần lượt thuộc về Sở Xây dựng \([\d,]+ điểm\), Sở Giao thông vận "
                     r"tải \([\d,]+ điểm\) và Sở Thông tin và Truyền thông \(410,5 điểm\)\.", departments)
    # The last two: infrastructure and human resources close to 50 together, IT application very high.
    assert "Sở Lao động - Thương binh và Xã hội xếp thứ 17/18" in departments
    assert "(cộng lại 49,5 điểm), dù nhóm Ứng dụng CNTT trong hoạt động của cơ quan đạt 94/150 điểm" in departments
    assert "Sở Văn hóa, Thể thao và Du lịch xếp thứ 18/18" in departments
    assert "(cộng lại 49 điểm), dù nhóm Ứng dụng CNTT trong hoạt động của cơ quan đạt 87/150 điểm" in departments
    assert "dẫn đầu là UBND huyện Văn Lâm với tổng điểm 119,34/150 điểm" in districts
    order = ["UBND thị xã Mỹ Hào", "UBND huyện Khoái Châu", "UBND huyện Văn Giang", "UBND thành phố Hưng Yên",
             "UBND huyện Yên Mỹ", "UBND huyện Tiên Lữ", "UBND huyện Kim Động", "UBND huyện Ân Thi",
             "UBND huyện Phù Cừ"]
    positions = [districts.index(name) for name in order]
    assert positions == sorted(positions)


def test_the_command_prints_the_summary(year_2019, capsys):
    call_command("publication_summary", "2019")
    assert "Sở Tài chính với tổng điểm 413/500" in capsys.readouterr().out


def test_the_appendix_is_a_word_document_with_one_table_per_block(year_2019, people):
    client = Client()
    client.force_login(people.ict)
    response = client.get(reverse("admin:rankings_appendix", args=[2019]) + "?format=docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(response.content))
    departments, districts = document.tables
    header = [cell.text for cell in departments.rows[0].cells]
    assert header[:2] == ["STT", "Cơ quan"] and header[-3:] == ["Tổng điểm (500)", "Hạng", "Xếp loại"]
    first = [cell.text for cell in departments.rows[1].cells]
    assert first[0] == "1" and first[1] == "Sở Tài chính" and first[-3] == "413" and first[-2] == "1"
    assert [cell.text for cell in districts.rows[1].cells][1:2] == ["UBND huyện Văn Lâm"]
    assert len(districts.rows) == 11
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kết quả đánh giá, xếp hạng mức độ Chính quyền điện tử trong cơ quan nhà nước năm 2019" in text


def test_the_printable_appendix_and_the_summary_page_are_for_ict_staff_and_appraisers(year_2019, people):
    appendix = reverse("admin:rankings_appendix", args=[2019])
    summary = reverse("admin:rankings_summary", args=[2019])
    client = Client()
    client.force_login(people.appraiser)
    page = client.get(appendix).content.decode()
    assert "<h1>Phụ lục</h1>" in page and "@page { size: A4 landscape" in page and "Sở Tài chính" in page
    assert "413/500" in client.get(summary).content.decode()
    reporter = Client()
    reporter.force_login(people.reporter(factories.agency(factories.agency_group())))
    assert reporter.get(appendix).status_code == 403 and reporter.get(summary).status_code == 403
