"""The five criteria groups of the 2019 framework, which the demo's years use."""

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


def create_criteria_groups(CriteriaGroup, **scope):
    """Create the groups that do not exist yet in `scope` (a year and a block; nothing in the first migrations,
    which made them before groups belonged to a year); `CriteriaGroup` may be a migration's historical model.

    Returns {code: group}.
    """
    groups = {}
    for order, (code, name, name_en, short_name, short_name_en) in enumerate(CRITERIA_GROUPS, start=1):
        groups[code], _created = CriteriaGroup.objects.get_or_create(
            code=code,
            **scope,
            defaults={"name": name, "name_en": name_en, "short_name": short_name, "short_name_en": short_name_en,
                      "order": order},
        )
    return groups
