"""Permission-matrix samples for the public portal's parameterised routes."""

SAMPLE_KWARGS = {
    "portal:language": {"code": "en"},
    "portal:guide": {"period": "2021-09-29"},
    "portal:leaflet": {"period": "2021-09-29", "situation": "registration"},
    "portal:leaflet_legacy": {"key": "js-pfp-reg-2002/art-22/item-6"},
}
