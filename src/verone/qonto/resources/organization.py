"""``organization``: the organization behind the credentials, with its bank accounts."""

from __future__ import annotations

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto.resources._resource import (
    AsyncResource,
    Resource,
    SyncResource,
    endpoint,
)
from verone.qonto.resources._shared import one
from verone.qonto.types.organization import Organization

PATH = "/v2/organization"


def _query(include_external_accounts: bool | None) -> dict[str, bool | None]:
    return {"include_external_accounts": include_external_accounts}


class _OrganizationResource(Resource):
    @endpoint
    def get(
        self,
        *,
        include_external_accounts: bool | None = None,
        options: RequestOptions | None = None,
    ) -> PreparedCall[Organization]:
        """``GET /v2/organization``."""
        return self._prepare(
            "GET",
            PATH,
            one(Organization, "organization"),
            query=_query(include_external_accounts),
            options=options,
        )


class OrganizationResource(SyncResource, _OrganizationResource):
    pass


class AsyncOrganizationResource(AsyncResource, _OrganizationResource):
    pass
