"""The pytest plugin's fixtures, here and in a project that only installed the SDK."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from baijiayun_async import BaijiayunClient
from baijiayun_async.testing import FakeBaijiayun
from baijiayun_async.testing.pytest_plugin import FAKE_PARTNER_ID, FAKE_PARTNER_KEY


def test_fake_fixture_is_a_fresh_account(baijiayun_fake: FakeBaijiayun) -> None:
    assert isinstance(baijiayun_fake, FakeBaijiayun)
    assert (baijiayun_fake.partner_id, baijiayun_fake.partner_key) == (
        FAKE_PARTNER_ID,
        FAKE_PARTNER_KEY,
    )
    assert not baijiayun_fake.rooms
    baijiayun_fake.add_room()


def test_fake_fixture_is_fresh_again(baijiayun_fake: FakeBaijiayun) -> None:
    assert not baijiayun_fake.rooms


async def test_client_fixture_talks_to_the_fake(
    baijiayun_client: BaijiayunClient, baijiayun_fake: FakeBaijiayun
) -> None:
    room = baijiayun_fake.add_room("Plugin")
    baijiayun_fake.set_live(room.room_id)
    data = await baijiayun_client.request("room/info", {"room_id": room.room_id})
    assert data["title"] == "Plugin"
    status = await baijiayun_client.request(
        "live/getLiveStatus", {"room_id": room.room_id}
    )
    assert status == {"status": 1}


def test_fixtures_work_in_strict_mode(tmp_path: Path) -> None:
    """A user's project gets the fixtures from the entry point, asyncio mode strict."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = strict\n"
        "asyncio_default_fixture_loop_scope = function\n"
    )
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.asyncio
            async def test_uses_the_fake(baijiayun_fake, baijiayun_client):
                data = await baijiayun_client.request("room/list")
                assert data == {"total": 0, "list": []}
                assert len(baijiayun_fake.requests) == 1

            @pytest.mark.asyncio
            async def test_again(baijiayun_client):
                await baijiayun_client.request("room/list")
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
