"""Vietnamese text rules that Python and the databases do not know by themselves.

- `slugify`: Django's slugify drops "đ" (NFKD does not decompose it), so "Đào tạo" would become "ao-tao".
- `sort_key`: Vietnamese alphabetical order (a ă â b c d đ e ê ...; tones only break ties), encoded as
  digits so that SQLite's byte order and any PostgreSQL collation sort it the same way.
- `fold`: lower case without diacritics, so that "van lam" finds "Văn Lâm"; `compact` and `searchable` drop
  spaces and punctuation too, so that "tttt" finds "Sở TT&TT".
"""

import unicodedata

from django.utils.text import slugify as django_slugify

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Combining marks that make a new letter rather than a tone.
LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}
# Tone marks in dictionary order: level (none), grave, hook, tilde, acute, dot below.
TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
MODIFIED = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô", ("o", "+"): "ơ", ("u", "+"): "ư"}

# Two digits per character: a space and digits sort before letters, and "00" ends the letters so that
# "An" sorts before "Anh" whatever tones follow.
SPACE_CODE = 10
DIGIT_BASE = 11
LETTER_BASE = 21
END_OF_LETTERS = "00"


def fold(text):
    """Lower case, no diacritics, single spaces: the form used for matching what people type."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def compact(text):
    """Folded, then letters and digits only: "Sở TT&TT" -> "sotttt", so that "tttt" or "so tt tt" find it."""
    return "".join(char for char in fold(text) if char.isalnum())


CONJUNCTIONS = {"va"}  # "và", written "&" in an abbreviation: Thông tin và Truyền thông -> TT&TT


def abbreviation(name):
    """How a name is abbreviated: its first word, then the initials of the others without "và" — "Sở Thông tin và
    Truyền thông" -> "sotttt" (Sở TT&TT), "Sở Lao động - Thương binh và Xã hội" -> "soldtbxh" (Sở LĐTB&XH)."""
    words = [word for word in (compact(w) for w in fold(name).replace("-", " ").split()) if word]
    return words[0] + "".join(word[0] for word in words[1:] if word not in CONJUNCTIONS) if words else ""


def searchable(*names):
    """The text a search looks in: each name compacted, and abbreviated, kept apart so that no match runs across
    two of them."""
    forms = [form for name in names if name for form in (compact(name), abbreviation(name))]
    return "|".join(dict.fromkeys(forms))


def slugify(text):
    return django_slugify(text.replace("đ", "d").replace("Đ", "D"))


def sort_key(text):
    letters, tones = [], []
    for char in " ".join(text.lower().split()):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in LETTER_MARKS:
                base = MODIFIED.get((base, LETTER_MARKS[mark]), base)
            else:
                tone = TONE_ORDER.get(mark, tone)
        if base == " ":
            letters.append(SPACE_CODE)
        elif base.isdigit() and base.isascii():
            letters.append(DIGIT_BASE + int(base))
        elif base in ALPHABET:
            letters.append(LETTER_BASE + ALPHABET.index(base))
        else:
            continue  # punctuation does not take part in alphabetical order
        tones.append(tone)
    return "".join(f"{code:02d}" for code in letters) + END_OF_LETTERS + "".join(map(str, tones))
