"""``verone webhooks subscribe|list|delete``: the Qonto webhook subscriptions that bring
payments and status changes to ``/api/qonto/webhooks`` within seconds (polling stays the
safety net)."""

from __future__ import annotations

from typing import Annotated

import typer

from verone.backoffice.api.routes.webhooks import INVOICE_EVENTS
from verone.cli._console import console
from verone.cli._runtime import open_container, print_json
from verone.qonto.types.webhooks import WebhookSubscription, WebhookSubscriptionParams

app = typer.Typer(help="Abonnements aux webhooks Qonto.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Sortie JSON.")]


def _row(subscription: WebhookSubscription) -> dict[str, object]:
    return {
        "id": subscription.id,
        "callback_url": subscription.callback_url,
        "types": subscription.types or [],
    }


@app.command("subscribe")
def subscribe(
    url: Annotated[str, typer.Option(help="Adresse publique de /api/qonto/webhooks.")],
    as_json: AsJson = False,
) -> None:
    """Subscribe URL to the invoice events, signed with VERONE_WEBHOOK_SECRET."""
    with open_container() as container:
        secret = container.settings.webhook_secret
        if secret is None:
            raise typer.BadParameter("renseignez d'abord VERONE_WEBHOOK_SECRET.")
        existing = container.qonto_client.webhook_subscriptions.list().items
        same = [s for s in existing if s.callback_url == url]
        created = (
            same[0]
            if same
            else container.qonto_client.webhook_subscriptions.create(
                WebhookSubscriptionParams(
                    callback_url=url,
                    types=sorted(INVOICE_EVENTS),
                    secret=secret.get_secret_value(),
                    description="Verone Billing",
                )
            )
        )
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
