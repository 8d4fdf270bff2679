"""Hưng Yên's evaluation as demo data: 2019 as the province published it, 2018 illustrative.

Source: the article in shared/seed/hung-yen-2019.md. It gives the two blocks, the leaders, a few
totals and criteria-group scores, and the district order. Everything else here (the other
departments' scores, the criteria inside each group, the maxima, all of 2018) is illustrative,
and each year's note says so on the public pages.
"""

from datetime import date
from decimal import Decimal

DEPARTMENTS = "so-ban-nganh"
DISTRICTS = "ubnd-huyen"

AGENCY_GROUPS = [
    # slug, name, English name
    (DEPARTMENTS, "Sở, ban, ngành", "Provincial departments and agencies"),
    (DISTRICTS, "UBND cấp huyện", "District People's Committees"),
]

# Criteria of both years: block -> (code, criteria group code, name, maximum, parent code).
# A criterion with sub-criteria takes no score itself; its maximum is the sum of theirs.
CRITERIA = {
    DEPARTMENTS: [
        ("1.1", "infrastructure", "Máy tính, mạng nội bộ và kết nối Internet", 20, None),
        ("1.2", "infrastructure", "Bảo đảm an toàn, an ninh thông tin", 20, None),
        ("1.3", "infrastructure", "Hạ tầng phục vụ họp trực tuyến", 15, None),
        ("2.1", "it_application", "Hệ thống quản lý văn bản và điều hành", 40, None),
        ("2.1.1", "it_application", "Văn bản đi, đến được xử lý trên hệ thống", 20, "2.1"),
        ("2.1.2", "it_application", "Văn bản điện tử có chữ ký số", 20, "2.1"),
        ("2.2", "it_application", "Sử dụng thư điện tử công vụ", 25, None),
        ("2.3", "it_application", "Sử dụng chữ ký số", 25, None),
        ("2.4", "it_application", "Cổng/Trang thông tin điện tử", 30, None),
        ("2.5", "it_application", "Phần mềm chuyên ngành và cơ sở dữ liệu", 30, None),
        ("3.1", "online_services", "Dịch vụ công trực tuyến mức độ 3, 4", 35, None),
        ("3.2", "online_services", "Tỷ lệ hồ sơ được xử lý trực tuyến", 30, None),
        ("3.3", "online_services", "Bộ phận một cửa điện tử", 20, None),
        ("4.1", "human_resources", "Cán bộ chuyên trách CNTT", 40, None),
        ("4.2", "human_resources", "Đào tạo, bồi dưỡng kỹ năng CNTT", 40, None),
        ("4.3", "human_resources", "Cán bộ, công chức sử dụng thành thạo máy tính", 30, None),
        ("5.1", "policy", "Kế hoạch ứng dụng CNTT hằng năm", 30, None),
        ("5.2", "policy", "Quy chế sử dụng các hệ thống thông tin", 35, None),
        ("5.3", "policy", "Kinh phí cho ứng dụng CNTT", 35, None),
    ],
    DISTRICTS: [
        ("1.1", "infrastructure", "Máy tính, mạng nội bộ và kết nối Internet", 10, None),
        ("1.2", "infrastructure", "Bảo đảm an toàn, an ninh thông tin", 10, None),
        ("2.1", "it_application", "Hệ thống quản lý văn bản và điều hành", 15, None),
        ("2.2", "it_application", "Thư điện tử công vụ và chữ ký số", 10, None),
        ("2.3", "it_application", "Cổng/Trang thông tin điện tử", 15, None),
        ("3.1", "online_services", "Dịch vụ công trực tuyến mức độ 3, 4", 20, None),
        ("3.2", "online_services", "Bộ phận một cửa điện tử", 20, None),
        ("4.1", "human_resources", "Cán bộ phụ trách CNTT", 10, None),
        ("4.2", "human_resources", "Đào tạo kỹ năng CNTT", 10, None),
        ("5.1", "policy", "Kế hoạch ứng dụng CNTT hằng năm", 15, None),
        ("5.2", "policy", "Quy chế và kinh phí cho ứng dụng CNTT", 15, None),
    ],
}

GROUP_ORDER = ["infrastructure", "it_application", "online_services", "human_resources", "policy"]

# block -> (name, short name, 2019 score per criteria group in GROUP_ORDER, factor for 2018's scores).
# Departments' maxima per group: 55, 150, 85, 110, 100 (500). Districts': 20, 40, 40, 20, 30 (150).
# The 2019 group scores of Sở Tài chính (50, 77, 90), Sở TT&TT (90, 60), Sở LĐTB&XH and
# Sở VHTT&DL (94, 87) and the totals 413, 410,5 and 119,34 are the article's.
AGENCIES = {
    DEPARTMENTS: [
        ("Sở Tài chính", "Tài chính", (50, 120, 77, 76, 90), "0.95"),
        ("Sở Xây dựng", "Xây dựng", (52, 118, 74, 80.5, 88), "0.97"),
        ("Sở Giao thông vận tải", "Giao thông vận tải", (51, 121, 72, 79.75, 88), "0.93"),
        ("Sở Thông tin và Truyền thông", "Thông tin và Truyền thông", (55, 90, 60, 105.5, 100), "0.99"),
        ("Sở Kế hoạch và Đầu tư", "Kế hoạch và Đầu tư", (48, 115, 70, 78, 85), "0.96"),
        ("Sở Tài nguyên và Môi trường", "Tài nguyên và Môi trường", (47, 110, 68, 75.5, 82), "0.90"),
        ("Sở Nội vụ", "Nội vụ", (45, 108, 65, 72.25, 80), "0.94"),
        ("Sở Tư pháp", "Tư pháp", (44, 105, 66, 75.25, 80), "0.92"),
        ("Sở Công Thương", "Công Thương", (43, 104, 62, 70, 78), "0.97"),
        ("Sở Y tế", "Y tế", (42, 100, 60, 68.5, 75), "0.91"),
        ("Sở Giáo dục và Đào tạo", "Giáo dục và Đào tạo", (40, 98, 58, 66, 72), "0.99"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và PTNT", (38, 95, 55, 62, 70), "0.95"),
        ("Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", (36, 96, 50, 60, 68), "0.98"),
        ("Sở Khoa học và Công nghệ", "Khoa học và Công nghệ", (35, 92, 48, 58, 65), "0.93"),
        ("Thanh tra tỉnh", "Thanh tra tỉnh", (30, 88, 42, 50, 62), "0.96"),
        ("Ban Quản lý các khu công nghiệp", "Ban Quản lý các KCN", (28, 85, 40, 45, 60), "0.94"),
        ("Sở Lao động - Thương binh và Xã hội", "Lao động - TB&XH", (20, 94, 40, 29.5, 60), "0.97"),
        ("Sở Văn hóa, Thể thao và Du lịch", "Văn hóa, TT&DL", (18, 87, 35, 31, 55), "0.95"),
    ],
    DISTRICTS: [
        ("UBND huyện Văn Lâm", "Văn Lâm", (17.5, 33.84, 33, 15, 20), "0.93"),
        ("UBND thị xã Mỹ Hào", "Mỹ Hào", (17, 33, 32.5, 14.5, 20.5), "0.97"),
        ("UBND huyện Khoái Châu", "Khoái Châu", (16.5, 32, 31, 14, 21), "0.92"),
        ("UBND huyện Văn Giang", "Văn Giang", (16, 31.5, 30, 14, 20), "0.98"),
        ("UBND thành phố Hưng Yên", "TP Hưng Yên", (16, 31, 29, 13.5, 19.75), "0.99"),
        ("UBND huyện Yên Mỹ", "Yên Mỹ", (15.5, 30, 28, 13, 19.5), "0.94"),
        ("UBND huyện Tiên Lữ", "Tiên Lữ", (15, 29, 27.5, 12.5, 18.25), "0.96"),
        ("UBND huyện Kim Động", "Kim Động", (14.5, 28, 26, 12, 18), "0.95"),
        ("UBND huyện Ân Thi", "Ân Thi", (14, 27.5, 25, 11.5, 17), "0.97"),
        ("UBND huyện Phù Cừ", "Phù Cừ", (13.5, 26, 24, 11, 16.5), "0.96"),
    ],
}

NOTE_2019 = (
    "Kết quả năm 2019 theo công bố của UBND tỉnh Hưng Yên (tháng 5/2020). Bài báo nguồn chỉ nêu thứ hạng, "
    "tổng điểm của Sở Tài chính (413/500), Sở Thông tin và Truyền thông (410,5), UBND huyện Văn Lâm "
    "(119,34/150) và một số điểm theo nhóm tiêu chí; các tiêu chí chi tiết, điểm tối đa từng nhóm và các "
    "điểm còn lại là số liệu minh họa."
)
NOTE_2018 = "Toàn bộ số liệu năm 2018 là minh họa, dùng để thể hiện thay đổi thứ hạng so với năm trước."

YEARS = [
    # year, publication date, note, the year whose criteria it copies (None: CRITERIA above),
    # and whether its scores are the 2019 scores scaled by each agency's 2018 factor.
    (2019, date(2020, 5, 20), NOTE_2019, None, False),
    (2018, date(2019, 5, 15), NOTE_2018, 2019, True),
]


def split_over_criteria(group_score, maxima):
    """Spread a criteria-group score over its criteria in proportion to their maxima, to the cent."""
    group_score, total_max = Decimal(str(group_score)), sum(maxima)
    shares = [(group_score * m / total_max).quantize(Decimal("0.01")) for m in maxima[:-1]]
    return [*shares, group_score - sum(shares)]
