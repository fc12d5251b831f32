"""What the black-box parts share: a Slack stub, a database prepared with the `pulse` CLI, and the servers.

Pulse is seen only from outside: `pulse migrate` and `pulse demo` prepare the database, `pulse serve
--http` answers signed requests, and the stub records what it posts to response URLs.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.databases import note, scratch_database
from bench.load import CALLER, LoadSpec, Plan, run_load_process
from bench.replies import BARE, RISK_ADD, SETUP, Outcome, Scenario, failures, outcomes
from bench.servers import Server, ServeSettings, bare_server, free_port, pulse_server, run_pulse, scrubbed_env
from bench.stub_process import StubProcess


@dataclass
class Target:
    """One prepared database and stub, and the servers started on them."""

    database: str
    database_url: str
    workdir: Path
    stub: StubProcess
    settings: ServeSettings = field(default_factory=ServeSettings)
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    token: str = field(default_factory=lambda: "-".join(["xoxb", "bench", secrets.token_hex(6)]))  # fake
    _runs: int = 0
    _program_created: bool = False  # the channel-less program risk-add adds to, made by the first risk-add

    def env(self, port: int | None = None) -> dict[str, str]:
        """The variables Pulse is served with (PORT only for a server)."""
        env = {
            "SLACK_BOT_TOKEN": self.token,
            "SLACK_SIGNING_SECRET": self.secret,
            "SLACK_API_URL": self.stub.api_url,
            "DATABASE_URL": self.database_url,
            "PULSE_ADMINS": CALLER,
        }
        return env if port is None else {**env, "PORT": str(port)}

    @contextlib.contextmanager
    def pulse(self, *, scheduler: bool) -> Iterator[Server]:
        """`pulse serve --http`, ready: answering, its web workers started, and every process quiet."""
        with pulse_server(self.env(free_port()), self.workdir, self.settings, scheduler=scheduler) as server:
            server.wait_ready(1 + self.settings.workers)
            yield server

    @contextlib.contextmanager
    def bare(self) -> Iterator[Server]:
        """The bare Bolt app under gunicorn with the same settings, ready."""
        with bare_server(self.env(), self.workdir, self.settings) as server:
            server.wait_ready(1 + self.settings.workers)
            yield server

    def send(self, server: Server, scenario: Scenario, plan: Plan) -> list[Outcome]:
        """Send the planned signed commands and wait (bounded) for their replies."""
        if scenario is RISK_ADD and not self._program_created:
            if problems := failures(self.send(server, SETUP, Plan(requests=1, clients=1))):
                raise RuntimeError(f"could not create the benchmark program: {problems}")
            self._program_created = True
        self._runs += 1
        prefix = f"{scenario.key}-{self._runs}-"
        spec = LoadSpec(server.port, self.secret, scenario.command, self.stub.base_url + "/response/", prefix, plan)
        sent = run_load_process(spec)
        done = outcomes(sent, scenario, self.stub, prefix, 0 if scenario is BARE else plan.time_limit)
        if problems := failures(done):
            note(f"    {len(problems)} of {len(done)} {scenario.key} requests failed, e.g. {problems[0]}")
        return done


@contextlib.contextmanager
def target(database: str, postgres_url: str) -> Iterator[Target]:
    """A migrated, demo-seeded database of kind `database`, a stub, and a working folder; removed afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="pulse-bench-") as tmp,
        StubProcess(users={CALLER: {"tz": "UTC", "real_name": "Bench Admin"}}) as stub,
        scratch_database(database, Path(tmp), postgres_url) as url,
    ):
        prepared = Target(database, url, Path(tmp), stub)
        env = scrubbed_env(prepared.env())
        run_pulse(["migrate"], env, prepared.workdir)
        run_pulse(["demo"], env, prepared.workdir)
        note(f"[{database}] migrated and demo-seeded with the pulse CLI")
        yield prepared
