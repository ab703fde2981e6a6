"""Permission-matrix samples for the public portal's parameterised routes."""

SAMPLE_KWARGS = {"portal:leaflet": {"key": "js-pfp-reg-2002/art-22/item-6"}}
