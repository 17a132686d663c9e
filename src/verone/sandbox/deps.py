"""FastAPI dependencies shared by every sandbox route: the organization's state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from verone.sandbox.state import SandboxState


def get_state(request: Request) -> SandboxState:
    """The state stored on the application by ``create_app``."""
    state = request.app.state.sandbox
    assert isinstance(state, SandboxState)
    return state


async def _state(request: Request) -> SandboxState:
    """``get_state`` as an async dependency: resolved on the event loop, no thread hop."""
    return get_state(request)


StateDep = Annotated[SandboxState, Depends(_state)]
