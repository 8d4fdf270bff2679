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


# 2025, illustrative: the new Hưng Yên after the 2025 reorganisation (shared/docs/domain.md). Departments as merged
# by Nghị định 45/2025/NĐ-CP; the district level ended on 1 July 2025 and communes are the second block; both blocks
# have a digital-transformation framework of their own, with other criteria groups than 2019's.
COMMUNES = "ubnd-cap-xa"
COMMUNE_GROUP = (COMMUNES, "UBND cấp xã", "Commune People's Committees")
# block -> (first year, last year) it exists in; absent: always.
BLOCK_YEARS = {DISTRICTS: (None, 2024), COMMUNES: (2025, None)}
YEAR_2025 = 2025
PUBLISHED_2025 = date(2026, 4, 10)
DECISION_2025 = ("768/QĐ-UBND", date(2026, 4, 8))  # illustrative
NOTE_2025 = (
    "Số liệu năm 2025 là minh họa. Cơ cấu sở, ngành theo Nghị định 45/2025/NĐ-CP (hợp nhất từ 01/3/2025); từ "
    "01/7/2025 chính quyền địa phương hai cấp, khối UBND cấp xã thay khối UBND cấp huyện; tỉnh Hưng Yên mới gồm "
    "Hưng Yên và Thái Bình. Tên xã, phường, bộ tiêu chí và điểm là minh họa."
)
LEGAL_BASIS_2025 = "Nghị định 45/2025/NĐ-CP"
DISTRICTS_END_BASIS = "Luật Tổ chức chính quyền địa phương 2025"

# block -> criteria groups of its 2025 framework: code, name, English name, short name, English short name.
GROUPS_2025 = {
    DEPARTMENTS: [
        ("nhan-thuc-so", "Nhận thức số", "Digital awareness", "Nhận thức", "Awareness"),
        ("the-che-so", "Thể chế số", "Digital institutions", "Thể chế", "Institutions"),
        ("ha-tang-so", "Hạ tầng số", "Digital infrastructure", "Hạ tầng", "Infrastructure"),
        ("nhan-luc-so", "Nhân lực số", "Digital workforce", "Nhân lực", "Workforce"),
        ("an-toan-thong-tin", "An toàn thông tin mạng", "Cyber security", "An toàn TT", "Security"),
        ("chinh-quyen-so", "Hoạt động chính quyền số", "Digital government", "Chính quyền số", "Government"),
    ],
    COMMUNES: [
        ("ha-tang-an-toan", "Hạ tầng và an toàn thông tin", "Infrastructure and security", "Hạ tầng", "Infrastructure"),
        ("dich-vu-cong", "Dịch vụ công trực tuyến", "Online public services", "Dịch vụ công", "Services"),
        ("nhan-luc-so", "Nhân lực số", "Digital workforce", "Nhân lực", "Workforce"),
        ("chinh-quyen-so", "Chính quyền số", "Digital government", "Chính quyền số", "Government"),
    ],
}
# block -> criteria: code, group code, name, maximum, rule, parameters (points per item or tiers), unit.
CRITERIA_2025 = {
    DEPARTMENTS: [
        ("1.1", "nhan-thuc-so", "Ban hành kế hoạch chuyển đổi số năm", 5, "yes_no", None, ""),
        ("1.2", "nhan-thuc-so", "Tuyên truyền, phổ biến về chuyển đổi số", 5, "points", None, ""),
        ("2.1", "the-che-so", "Quy chế quản lý, vận hành hệ thống thông tin", 5, "points", None, ""),
        ("2.2", "the-che-so", "Văn bản điều hành trao đổi trên môi trường mạng", 10, "ratio", None, "văn bản"),
        ("3.1", "ha-tang-so", "Máy tính, mạng nội bộ, mạng truyền số liệu chuyên dùng", 10, "points", None, ""),
        ("3.2", "ha-tang-so", "Hệ thống họp trực tuyến", 5, "yes_no", None, ""),
        ("4.1", "nhan-luc-so", "Cán bộ phụ trách chuyển đổi số", 5, "points", None, ""),
        ("4.2", "nhan-luc-so", "Cán bộ, công chức được đào tạo kỹ năng số", 10, "per_item", "0.5", "người"),
        ("5.1", "an-toan-thong-tin", "Hệ thống thông tin được phê duyệt cấp độ an toàn", 10, "tiers",
         "100: 100; 80: 75; 50: 50", "hệ thống"),
        ("6.1", "chinh-quyen-so", "Hồ sơ thủ tục hành chính xử lý trực tuyến", 20, "ratio", None, "hồ sơ"),
        ("6.2", "chinh-quyen-so", "Hồ sơ, kết quả giải quyết thủ tục được số hóa", 15, "relative", None, "hồ sơ"),
    ],
    COMMUNES: [
        ("1.1", "ha-tang-an-toan", "Hạ tầng kỹ thuật, kết nối mạng", 20, "points", None, ""),
        ("1.2", "ha-tang-an-toan", "Bảo đảm an toàn thông tin", 10, "yes_no", None, ""),
        ("2.1", "dich-vu-cong", "Hồ sơ thủ tục hành chính xử lý trực tuyến", 30, "ratio", None, "hồ sơ"),
        ("3.1", "nhan-luc-so", "Cán bộ, công chức có kỹ năng số", 15, "per_item", "1", "người"),
        ("4.1", "chinh-quyen-so", "Văn bản điện tử có ký số", 25, "tiers", "95: 100; 80: 80; 60: 50", "văn bản"),
    ],
}
# block -> agencies of 2025: name, short name, an illustrative level from 0 to 1 that its figures follow.
AGENCIES_2025 = {
    DEPARTMENTS: [
        ("Sở Tài chính", "Tài chính", "0.93"),
        ("Sở Xây dựng", "Xây dựng", "0.90"),
        ("Sở Khoa học và Công nghệ", "Khoa học và Công nghệ", "0.95"),
        ("Sở Nông nghiệp và Môi trường", "Nông nghiệp và Môi trường", "0.84"),
        ("Sở Nội vụ", "Nội vụ", "0.88"),
        ("Sở Tư pháp", "Tư pháp", "0.86"),
        ("Sở Công Thương", "Công Thương", "0.82"),
        ("Sở Y tế", "Y tế", "0.80"),
        ("Sở Giáo dục và Đào tạo", "Giáo dục và Đào tạo", "0.83"),
        ("Sở Văn hóa, Thể thao và Du lịch", "Văn hóa, TT&DL", "0.78"),
        ("Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", "0.91"),
        ("Thanh tra tỉnh", "Thanh tra tỉnh", "0.76"),
        ("Ban Quản lý các khu công nghiệp", "Ban Quản lý các KCN", "0.74"),
    ],
    COMMUNES: [
        ("UBND phường Phố Hiến", "Phố Hiến", "0.92"),
        ("UBND phường Sơn Nam", "Sơn Nam", "0.88"),
        ("UBND phường Mỹ Hào", "Mỹ Hào", "0.90"),
        ("UBND phường Thái Bình", "Thái Bình", "0.91"),
        ("UBND phường Trần Lãm", "Trần Lãm", "0.86"),
        ("UBND xã Như Quỳnh", "Như Quỳnh", "0.87"),
        ("UBND xã Văn Giang", "Văn Giang", "0.85"),
        ("UBND xã Khoái Châu", "Khoái Châu", "0.80"),
        ("UBND xã Yên Mỹ", "Yên Mỹ", "0.83"),
        ("UBND xã Kim Động", "Kim Động", "0.77"),
        ("UBND xã Ân Thi", "Ân Thi", "0.74"),
        ("UBND xã Tiên Lữ", "Tiên Lữ", "0.79"),
        ("UBND xã Phù Cừ", "Phù Cừ", "0.72"),
        ("UBND xã Vũ Thư", "Vũ Thư", "0.81"),
        ("UBND xã Quỳnh Phụ", "Quỳnh Phụ", "0.78"),
        ("UBND xã Tiền Hải", "Tiền Hải", "0.75"),
    ],
}
# Criteria that do not apply to an agency in 2025: (agency name, criterion code, reason).
NOT_APPLICABLE_2025 = [
    ("Thanh tra tỉnh", "6.1", "Không có thủ tục hành chính tiếp nhận trực tuyến trong năm."),
]
# The 2025 successions: (kind, predecessor, successor or None).
SUCCESSIONS_2025 = [
    ("merged", "Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
    ("merged", "Sở Giao thông vận tải", "Sở Xây dựng"),
    ("merged", "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),
    ("formed", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường"),
    ("formed", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"),
    ("merged", "Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),
]


def figures_2025(rule, maximum, level, n, parameter):
    """Illustrative figures for one agency (the n-th of its block) on one criterion, following its level:
    {"value": points} for points, {"numerator": …, "denominator": …} for a computed rule."""
    level = Decimal(level)
    if rule == "points":
        return {"value": (Decimal(maximum) * level * 4).quantize(Decimal("1")) / 4}
    if rule == "yes_no":
        return {"numerator": Decimal(1 if level >= Decimal("0.78") else 0)}
    if rule == "per_item":
        items = int(Decimal(maximum) / Decimal(parameter) * level) + n % 3
        return {"numerator": Decimal(items)}
    if rule == "relative":
        return {"numerator": (Decimal(1000) * level).quantize(Decimal("1")) + 7 * n}
    total = Decimal(180 + 37 * n)  # ratio and tiers: a number out of a total
    return {"numerator": (total * level).quantize(Decimal("1")), "denominator": total}
