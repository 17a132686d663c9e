"""``verone webhooks subscribe|list|delete``: the Qonto webhook subscriptions that bring
payments and status changes to ``/api/qonto/webhooks`` within seconds (polling stays the
safety net)."""

from __future__ import annotations

from typing import Annotated

import typer

from verone.backoffice.bootstrap import Container
from verone.backoffice.services.webhooks import SUBSCRIBED_EVENTS
from verone.cli._console import AsJson, console
from verone.cli._runtime import open_container, print_json
from verone.qonto.types.webhooks import WebhookSubscription, WebhookSubscriptionParams

app = typer.Typer(help="Abonnements aux webhooks Qonto.", no_args_is_help=True)


def _row(subscription: WebhookSubscription) -> dict[str, object]:
    return {
        "id": subscription.id,
        "callback_url": subscription.callback_url,
        "types": subscription.types or [],
    }


def ensure_subscription(container: Container, url: str) -> WebhookSubscription:
    """The subscription of ``url`` to the back office's events (created once)."""
    secret = container.settings.webhook_signing_secret
    if secret is None:
        raise typer.BadParameter("renseignez d'abord VERONE_WEBHOOK_SECRET.")
    resource = container.qonto_client.webhook_subscriptions
    same = [s for s in resource.list().items if s.callback_url == url]
    if same:
        return same[0]
    return resource.create(
        WebhookSubscriptionParams(
            callback_url=url,
            types=sorted(SUBSCRIBED_EVENTS),
            secret=secret.get_secret_value(),
            description="Verone Billing",
        )
    )


@app.command("subscribe")
def subscribe(
    url: Annotated[str, typer.Option(help="Adresse publique de /api/qonto/webhooks.")],
    as_json: AsJson = False,
) -> None:
    """Subscribe URL to the invoice and transaction events, signed with the webhook secret."""
    with open_container() as container:
        created = ensure_subscription(container, url)
    if as_json:
        print_json(_row(created))
    else:
        console.print(f"Abonnement {created.id} → {created.callback_url}")


@app.command("list")
def list_subscriptions(as_json: AsJson = False) -> None:
    """List the organization's webhook subscriptions."""
    with open_container() as container:
        found = container.qonto_client.webhook_subscriptions.list().items
    if as_json:
        print_json([_row(s) for s in found])
        return
    for subscription in found:
        console.print(f"{subscription.id}\t{subscription.callback_url}\t{subscription.types}")


@app.command("delete")
def delete(subscription_id: Annotated[str, typer.Argument(help="Identifiant.")]) -> None:
    """Delete one subscription."""
    with open_container() as container:
        container.qonto_client.webhook_subscriptions.delete(subscription_id)
    console.print(f"Abonnement {subscription_id} supprimé.")
