"""``organization``: the organization behind the credentials, with its bank accounts."""

from __future__ import annotations

from verone.qonto._base import RequestOptions
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import one
from verone.qonto.types.organization import Organization

PATH = "/v2/organization"


def _query(include_external_accounts: bool | None) -> dict[str, bool | None]:
    return {"include_external_accounts": include_external_accounts}


class OrganizationResource(SyncResource):
    def get(
        self,
        *,
        include_external_accounts: bool | None = None,
        options: RequestOptions | None = None,
    ) -> Organization:
        """``GET /v2/organization``."""
        return self._call(
            "GET",
            PATH,
            one(Organization, "organization"),
            query=_query(include_external_accounts),
            options=options,
        )


class AsyncOrganizationResource(AsyncResource):
    async def get(
        self,
        *,
        include_external_accounts: bool | None = None,
        options: RequestOptions | None = None,
    ) -> Organization:
        """``GET /v2/organization``."""
        return await self._call(
            "GET",
            PATH,
            one(Organization, "organization"),
            query=_query(include_external_accounts),
            options=options,
        )
