import pytest

from common import vietnamese


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sở Giáo dục và Đào tạo", "so-giao-duc-va-dao-tao"),
        ("UBND huyện Ân Thi", "ubnd-huyen-an-thi"),
        ("Sở Lao động - Thương binh và Xã hội", "so-lao-dong-thuong-binh-va-xa-hoi"),
        ("ĐỒNG THÁP", "dong-thap"),
    ],
)
def test_slugify_transliterates_vietnamese(text, slug):
    assert vietnamese.slugify(text) == slug


def test_sort_key_follows_the_vietnamese_alphabet():
    names = ["Yên Mỹ", "Ân Thi", "Đông Hưng", "Dương Kinh", "Anh Sơn", "An Lão", "Ăn Khê", "Ơn", "Ô Môn", "Ong"]
    assert sorted(names, key=vietnamese.sort_key) == [
        "An Lão", "Anh Sơn", "Ăn Khê", "Ân Thi", "Dương Kinh", "Đông Hưng", "Ong", "Ô Môn", "Ơn", "Yên Mỹ",
    ]


def test_sort_key_orders_tones_only_between_otherwise_equal_words():
    # Level tone, grave, hook, tilde, acute, dot below; the tone never outweighs a letter.
    words = ["má", "mà", "mạ", "ma", "mả", "mã", "mai"]
    assert sorted(words, key=vietnamese.sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]


def test_sort_key_is_made_of_digits_so_every_database_collation_agrees():
    assert vietnamese.sort_key("Văn Lâm, Hưng Yên 2").isdigit()


def test_fold_removes_diacritics_case_and_extra_spaces():
    assert vietnamese.fold("  UBND huyện  Văn Lâm ") == "ubnd huyen van lam"
    assert vietnamese.fold("Đào tạo") == "dao tao"
