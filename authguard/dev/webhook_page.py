"""``GET /webhooks``: the recent webhook deliveries of the dev server, newest first."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from authguard.dev import pages
from authguard.dev.routing import DevRequest, DevResponse, Router
from authguard.dev.webhooks import Delivery

if TYPE_CHECKING:
    from authguard.dev.server import DevContext


def register(router: Router) -> None:
    router.route("GET", "/webhooks")(deliveries_page)


def deliveries_page(ctx: DevContext, request: DevRequest) -> DevResponse:
    dispatcher = ctx.webhooks
    if not dispatcher.targets:
        intro = "No targets: start the dev server with <code>--webhook URL</code> (repeatable)."
    else:
        targets = ", ".join(f"<code>{escape(t)}</code>" for t in dispatcher.targets)
        intro = f"Events are signed with CLERK_WEBHOOK_SIGNING_SECRET and sent to {targets}."
    rows = "".join(_row(d) for d in dispatcher.deliveries())
    table = (
        "<table><thead><tr><th>Event</th><th>Message id</th><th>Target</th>"
        f"<th>Attempts</th><th>Last status</th><th>State</th></tr></thead><tbody>{rows}"
        "</tbody></table>"
        if rows
        else '<p class="muted">No deliveries yet.</p>'
    )
    body = f'<div class="card"><p>{intro}</p></div><div class="card">{table}</div>'
    return pages.page(200, "Webhook deliveries", body)


def _row(delivery: Delivery) -> str:
    status = "—" if delivery.last_status is None else str(delivery.last_status or "no answer")
    cells = (
        delivery.event_type,
        delivery.msg_id,
        delivery.target,
        str(delivery.attempts),
        status,
        delivery.state,
    )
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"
