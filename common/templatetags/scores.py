from django import template

from common import numbers as formatting

register = template.Library()


@register.filter
def points(value):
    return formatting.points(value)


@register.filter
def magnitude(value):
    """A change without its sign, which the words around it give ("down 3 places", "−12,5")."""
    return abs(value) if value is not None else None
