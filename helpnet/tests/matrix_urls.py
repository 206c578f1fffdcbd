"""Every URL pattern of the project, as the permission matrix walks it.

Each pattern gets a key: ``namespace:name`` when it has a name, else ``namespace:<route>``. The admin's per-model
URLs (changelist, add, change, delete, history and the unnamed ``<object_id>/`` redirect) share one row per
shape, ``admin:*_change`` etc., but each model's URL is still requested.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

ADMIN_SHAPES = ("changelist", "add", "change", "delete", "history")
ADMIN_REDIRECT_SHAPE = "admin:*_object_redirect"


@dataclass(frozen=True)
class UrlCase:
    key: str  # the pattern's own key: "ns:name" or "ns:<route>"
    row: str  # the row of the table that answers for it (a shape row for the admin's per-model URLs)
    route: str  # the full route, e.g. "en/networks/<slug:slug>/"
    name: str | None  # "ns:name" for reverse(), None when unnamed
    kwargs: tuple[str, ...]
    admin_model: str | None = None  # "app_model" for the admin's per-model URLs


def _kwarg_names(pattern: object) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(
    patterns: list[URLPattern | URLResolver], route: str, namespace: str | None, kwargs: list[str]
) -> list[tuple[str, str | None, str, list[str]]]:
    found: list[tuple[str, str | None, str, list[str]]] = []
    for p in patterns:
        piece = "en/" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
        names = kwargs + _kwarg_names(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            found += _walk(p.url_patterns, route + piece, ns, names)
        else:
            full = f"{namespace}:{p.name}" if namespace and p.name else p.name
            found.append((route + piece, full, namespace or "", names))
    return found


def url_cases() -> list[UrlCase]:
    models, redirect_routes = {}, {}
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        models[f"admin:{app}_{name}"] = f"{app}_{name}"
        redirect_routes[f"admin/{app}/{name}/<path:object_id>/"] = f"{app}_{name}"
    cases = []
    for route, name, namespace, kwargs in _walk(get_resolver().url_patterns, "", None, []):
        key = name or f"{namespace}:{route}"
        row, model = key, None
        if name and name.startswith("admin:"):
            prefix, _, shape = name.rpartition("_")
            if prefix in models and shape in ADMIN_SHAPES:
                row, model = f"admin:*_{shape}", models[prefix]
        elif name is None and route in redirect_routes:
            row, model = ADMIN_REDIRECT_SHAPE, redirect_routes[route]
        cases.append(UrlCase(key, row, route, name, tuple(kwargs), model))
    return cases
