"""Who asks for a use case: an interactive user session, an API token, the CLI or a job.

Only an interactive session of an accountant or admin can finalize (docs/rules.md, rule 3);
the edge that authenticated the caller builds the ``Actor`` (``Actor.interactive(user.id)``
for a session).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    INTERACTIVE = "interactive"  # a logged-in user in the web UI (session cookie + CSRF)
    API_TOKEN = "api_token"  # noqa: S105 - a kind of caller, not a secret
    CLI = "cli"
    JOB = "job"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user_id: uuid.UUID | None = None

    @classmethod
    def interactive(cls, user_id: uuid.UUID) -> Actor:
        return cls(ActorKind.INTERACTIVE, user_id)

    @classmethod
    def api_token(cls, user_id: uuid.UUID) -> Actor:
        return cls(ActorKind.API_TOKEN, user_id)

    @classmethod
    def cli(cls, user_id: uuid.UUID | None = None) -> Actor:
        return cls(ActorKind.CLI, user_id)

    @classmethod
    def job(cls) -> Actor:
        return cls(ActorKind.JOB, None)

    @property
    def is_interactive(self) -> bool:
        return self.kind is ActorKind.INTERACTIVE and self.user_id is not None
