"""Text in the language of the page."""

import unicodedata

from django.utils.translation import get_language


def localized(name, name_en):
    """The English name when the page is in English and one is known; the Vietnamese name otherwise."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


def is_blank(text):
    """Whether `text` shows nothing: only spaces and invisible characters (zero-width spaces and joiners)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text or "")
