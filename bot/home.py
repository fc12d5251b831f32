"""The Home tab: published on `app_home_opened` and after a click on it, from the `home` use case."""

from __future__ import annotations

from bot.blocks import Button, to_slack
from bot.buttons import for_home
from bot.perform import perform
from bot.present import markup
from bot.runtime import Runtime
from domain.home import home
from domain.inputs import Nothing

MAX_HOME_BLOCKS = 100  # Slack's limit for a Home tab


def publish_home(runtime: Runtime, team_id: str, user_id: str) -> None:
    """Publish `user_id`'s Home tab, built from what they may see (no channel: restricted programs only when they
    are cleared for them)."""
    actor = runtime.actor(team_id, user_id, None)
    tz = runtime.directory.tz_for(team_id, user_id)
    answer = perform(runtime, home, Nothing(), actor=actor, tz=tz)
    context = answer.message.context
    buttons: list[Button] = []
    if answer.ok:
        rows = int(context["shown"])
        refs = (
            [f.program.key for f in context["programs"][:rows]],
            [f"A-{a.number}" for a, _p in context["actions"][:rows]],
            [f"R-{r.number}" for r, _p in context["risks"][:rows]],
            [f"I-{i.number}" for i, _p in context["issues"][:rows]],
        )
        buttons = [Button(**b) for b in for_home(*refs)]
    shown = to_slack(markup(answer.message, runtime.settings.command_prefix), buttons, max_blocks=MAX_HOME_BLOCKS)
    runtime.client.views_publish(user_id=user_id, view={"type": "home", "blocks": shown.blocks})
