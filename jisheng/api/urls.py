from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, reverse

from jisheng.core.access import route_scope

from .api import api


@route_scope(public=True)
def api_root(request: HttpRequest, **kwargs: object) -> JsonResponse:
    """Point to the OpenAPI schema (the interactive docs would load scripts from a CDN)."""
    return JsonResponse({"name": api.title, "version": api.version, "openapi": reverse("api:openapi-json")})


urlpatterns, _app_name, _namespace = api.urls
app_name = _namespace  # "api": django-ninja reverses "api:api-root" for the schema
for _pattern in urlpatterns:
    if not isinstance(_pattern, URLPattern):
        continue
    if _pattern.name == "api-root":
        _pattern.callback = api_root
    elif _pattern.name == "openapi-json":
        # The schema is a public description of the API, not data.
        _pattern.callback = route_scope(public=True)(_pattern.callback)
