"""`pulse console` fills in the forms a bare command opens in Slack: the same view, asked one field at a time, then
submitted as Slack submits it, so the same validation and use case run; errors come back on their field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import demo_data as demo
from bot.console import Console
from bot.settings import Settings
from store.db import Database
from store.models import AuditEvent, Issue, Program, Risk, StaffingLine, StatusUpdate
from store.types import utcnow
from tests.support.app import fetch, fetch_all
from tests.support.cli import pulse

IGNORED = {"id", "number", "created_at", "updated_at"}
# `/risk add TNS-APPEALS` asks: program, title, likelihood, impact, owner, review, mitigation, response, category,
# trigger. Enter keeps what is shown (the program the command named), a number picks an option.
RISK_FORM = ["", "Vendor cannot hire", "4", "major", "@priya", "2030-02-01", "second vendor", "2", "", ""]
RISK_COMMAND = (
    '/risk add TNS-APPEALS Vendor cannot hire likelihood:4 impact:4 owner:@priya review:2030-02-01 mitigation:"second '
    'vendor" response:mitigate'
)


def test_a_form_typed_into_the_console_process_stores_what_the_command_stores(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pulse.db"
    assert pulse("demo", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    typed = "\n".join([RISK_COMMAND, "/risk add TNS-APPEALS", *RISK_FORM, "/risk list band:high", ""])
    result = pulse("console", cwd=tmp_path, stdin=typed, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Add a risk" in out
    assert "  Likelihood (1-5) *: 4\n" in out and "    5. 5 almost certain\n" in out  # the scale with its meanings
    assert "  Program * [TNS-APPEALS: Appeals SLA reduction (72h to 24h)]: \n" in out  # prefilled from the command
    added = re.findall(r"^(R-\d+) added to TNS-APPEALS: score 16 \(high\)", out, re.MULTILINE)
    assert len(added) == 2, out
    assert "posted to @priya (DM): @alex made you the owner of risk " + added[1] in out
    assert "Traceback" not in result.stderr
    database = Database(url)
    try:
        by_command, by_form = (fetch(database, Risk, number=int(ref[2:])) for ref in added)
        assert by_form.model_dump(exclude=IGNORED) == by_command.model_dump(exclude=IGNORED)
        audited = fetch(database, AuditEvent, entity_ref=added[1], action="create")
        assert audited.actor_id == demo.DEMO_ADMIN
    finally:
        database.dispose()


# ---------------------------------------------------------------------- in-process, with scripted answers


class Typist:
    """Answers a form's prompts from a script, and keeps what the console showed."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.shown: list[str] = []

    def ask(self, prompt: str) -> str | None:
        answer = self.answers.pop(0) if self.answers else None
        self.shown.append(prompt + (answer if answer is not None else "<end>"))
        return answer

    def say(self, text: str) -> None:
        self.shown.append(text)

    def types(self, *answers: str) -> None:
        self.answers, self.shown = list(answers), []


@pytest.fixture
def typist() -> Typist:
    return Typist()


@pytest.fixture
def console(database: Database, typist: Typist) -> Iterator[Console]:
    now = utcnow()
    with database.session(write=True) as session:
        demo.seed(session, today=now.date(), now=now)
    settings = Settings(_env_file=None, DATABASE_URL=database.url)
    with Console(settings, database, ask=typist.ask, say=typist.say) as running:
        yield running


def test_a_refused_field_is_shown_next_to_it_and_asked_again(console: Console, typist: Typist) -> None:
    # program kept, amber, summary cleared, the four dimensions, path and confidence kept, asks/ask-to/ask-by kept;
    # then the summary again, as it is refused.
    typist.types("", "amber", "-", *[""] * 6, "", "", "", "Vendor ramp slipped a week")
    before = len(fetch_all(console.database, StatusUpdate))
    answer = console.handle("/program status TNS-APPEALS") or ""
    assert answer.startswith("(A) AMBER recorded for TNS-APPEALS"), answer
    refused = [line for line in typist.shown if line.startswith("  Summary: ")]
    assert refused == [
        "  Summary: ! An amber status needs a summary that says why, e.g. `/program status TNS-APPEALS amber Vendor "
        "onboarding slipped a week`."
    ]
    summary_prompts = [line for line in typist.shown if line.startswith("  Summary (")]
    assert len(summary_prompts) == 2 and summary_prompts[-1].endswith("): Vendor ramp slipped a week")
    statuses = fetch_all(console.database, StatusUpdate)
    assert len(statuses) == before + 1  # the refused submission wrote nothing
    latest = statuses[-1]
    assert (latest.rag, latest.summary, latest.author_id) == ("amber", "Vendor ramp slipped a week", demo.DEMO_ADMIN)


def test_an_update_form_shows_the_current_values_and_changes_only_what_is_typed(
    console: Console, typist: Typist
) -> None:
    before = fetch(console.database, Risk, number=1)
    typist.types("", "", "minor", "", "", "Second vendor signed", "", "", "", "")
    answer = console.handle("/risk update R-1") or ""
    assert answer.startswith("R-1 updated (TNS-APPEALS): score 8 (medium)"), answer
    assert f"  Title [{before.title}]: " in typist.shown
    assert "  Likelihood (1-5) [4 likely]: " in typist.shown and "  Owner [@priya]: " in typist.shown
    after = fetch(console.database, Risk, number=1)
    assert (after.impact, after.score, after.mitigation) == (2, 8, "Second vendor signed")
    changed = {"impact", "score", "mitigation", "updated_at"}
    assert after.model_dump(exclude=changed) == before.model_dump(exclude=changed)


def test_answers_a_picker_would_not_take_are_asked_again_and_cancel_saves_nothing(
    console: Console, typist: Typist
) -> None:
    typist.types("", "A title", "9", "/cancel")
    assert console.handle("/action add TNS-APPEALS") == "Form closed: nothing was saved."
    assert "Add an action" in typist.shown[0]
    typist.types("", "Book the QBR", "@nobody", "@omar", "someday", "15 jan 2030", "R-99", "", "", "-")
    answer = console.handle("/action add TNS-APPEALS") or ""
    assert "    ! a person like @priya" in typist.shown and "    ! a date like 2027-01-15, fri or +2w" in typist.shown
    assert any(line.startswith("  Answers risk (R-n): ! R-99") for line in typist.shown), "\n".join(typist.shown)
    assert "owner @omar, due Tue 2030-01-15" in answer, answer
    typist.types("", "Book the QBR")  # the input ends mid-form: nothing saved
    assert console.handle("/decision log TNS-APPEALS") == "Form closed: nothing was saved."


def test_pickers_for_people_channels_and_yes_no_store_what_the_command_stores(console: Console, typist: Typist) -> None:
    typed = (
        "TNS-BY-COMMAND Vendor swap owner:@priya channel:#tns-appeals due:2030-03-31 restricted:yes members:@lena,@sam"
    )
    created = console.handle(f"/program new {typed}") or ""
    assert created.startswith("[done] TNS-BY-COMMAND created: Vendor swap"), created
    # key, title, owner, channel, due, restricted, members, channels
    typist.types("TNS-BY-FORM", "Vendor swap", "@priya", "#tns-appeals", "2030-03-31", "yes", "@lena, @sam", "")
    answer = console.handle("/program new") or ""
    assert answer.startswith("[done] TNS-BY-FORM created: Vendor swap"), answer
    by_command, by_form = (
        fetch(console.database, Program, key="TNS-BY-COMMAND"),
        fetch(console.database, Program, key="TNS-BY-FORM"),
    )
    ignored = {"id", "key", "created_at", "updated_at"}
    assert by_form.model_dump(exclude=ignored) == by_command.model_dump(exclude=ignored)
    assert (by_form.restricted, by_form.members, by_form.channel_id) == (True, ["U0LENA", "U0SAM"], "C0APPEALS")


def test_the_raise_issue_form_stores_what_the_command_stores(console: Console, typist: Typist) -> None:
    typed = console.handle('/issue raise TNS-APPEALS Vendor queue backlog severity:2 impact:"14k late" owner:@priya')
    by_command = re.findall(r"I-(\d+) raised on TNS-APPEALS", typed or "")
    # program kept, title, severity (a number picks its option), impact, from (none), owner
    typist.types("", "Vendor queue backlog", "2", "14k late", "", "@priya")
    answer = console.handle("/issue raise TNS-APPEALS") or ""
    by_form = re.findall(r"I-(\d+) raised on TNS-APPEALS", answer)
    assert len(by_command) == len(by_form) == 1, (typed, answer)
    assert "Raise issue" in typist.shown[0] and "    1. 1 critical incident" in typist.shown, "\n".join(typist.shown)
    assert any(line.startswith("  Impact *") for line in typist.shown)
    ignored = {*IGNORED, "id"}
    first, second = (fetch(console.database, Issue, number=int(n)) for n in (*by_command, *by_form))
    assert second.model_dump(exclude=ignored) == first.model_dump(exclude=ignored)


def test_the_record_staffing_form_asks_each_planned_role(console: Console, typist: Typist) -> None:
    typist.types("", "", "40")  # program and ops kept, reviewers now 40
    answer = console.handle("/staff fill TNS-APPEALS") or ""
    assert "Record staffing" in typist.shown[0], "\n".join(typist.shown)
    assert any(line.startswith("  reviewers filled (of 50 planned) * [31]: ") for line in typist.shown), typist.shown
    assert fetch(console.database, StaffingLine, role="reviewers").filled == 40, answer
