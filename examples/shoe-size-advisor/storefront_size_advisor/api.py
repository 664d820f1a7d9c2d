"""The advisor in the JSON API, for a mini-program's product screen.

An external plugin's endpoint is an `ApiBlueprint` like the core's: it is in the served
OpenAPI document once the package is installed, and it answers 404 for a product whose
category does not have the advisor on.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from storefront import acts_on
from storefront.api import ApiBlueprint, ApiError, answers, api_spec, product_by_slug

from .advice import FootLengthError, advise, parse_foot_length

api_bp = ApiBlueprint("size_advisor_api", __name__, url_prefix="/shops/<merchant>/size-advisor")


class AdviceQuery(BaseModel):
    foot_mm: str = Field(max_length=10, description="Foot length in millimetres, e.g. 255")


class AdviceOut(BaseModel):
    foot_mm: int
    eu_size: int = Field(description="The European size this foot needs")
    best_size: str | None = Field(description="This shoe's nearest size at or above it")
    in_stock: bool


@api_bp.get("/products/<product_slug>")
@api_spec.validate(query=AdviceQuery, resp=answers(HTTP_200=AdviceOut), tags=["size advisor"])
def product_advice(product_slug: str, query: AdviceQuery):
    """Which size of this shoe to order for a foot of the given length."""
    product = product_by_slug(product_slug)
    scope = acts_on(product, "size_advisor")
    try:
        foot = parse_foot_length(query.foot_mm)
    except FootLengthError as error:
        raise ApiError(400, str(error), "foot_mm", code="invalid") from error
    advice = advise(foot, scope.settings("size_advisor")["extra_room_mm"], product.variants)
    return AdviceOut(
        foot_mm=advice.foot_mm,
        eu_size=advice.eu_size,
        best_size=advice.best_size,
        in_stock=advice.in_stock,
    )
