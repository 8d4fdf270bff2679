from django import template

from common import numbers as formatting

register = template.Library()


@register.filter
def points(value):
    return formatting.points(value)
