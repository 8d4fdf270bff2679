from django import template

from rankings import formatting

register = template.Library()


@register.filter
def points(value):
    return formatting.points(value)
