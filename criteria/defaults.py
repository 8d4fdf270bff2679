"""The five stable criteria groups, created by a migration and restored by `load_demo` when missing."""

CRITERIA_GROUPS = [
    # code, name, English name, short name, English short name
    ("infrastructure", "Hạ tầng kỹ thuật CNTT", "IT infrastructure", "Hạ tầng", "Infrastructure"),
    ("it_application", "Ứng dụng CNTT trong hoạt động của cơ quan", "IT application in the agency's work",
     "Ứng dụng CNTT", "IT application"),
    ("online_services", "Cung cấp dịch vụ công trực tuyến", "Online public services",
     "Dịch vụ công", "Online services"),
    ("human_resources", "Nhân lực cho ứng dụng CNTT", "Human resources for IT", "Nhân lực", "Human resources"),
    ("policy", "Cơ chế chính sách và quy định cho ứng dụng CNTT", "Policies and regulations for IT", "Chính sách",
     "Policies"),
]


def create_criteria_groups(CriteriaGroup):
    """Create the groups that do not exist yet; `CriteriaGroup` may be a migration's historical model."""
    for order, (code, name, name_en, short_name, short_name_en) in enumerate(CRITERIA_GROUPS, start=1):
        CriteriaGroup.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "short_name": short_name, "short_name_en": short_name_en,
                      "order": order},
        )
