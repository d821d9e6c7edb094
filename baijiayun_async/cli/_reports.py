"""Rows that need more than one model: a room's live state, quiz answers flattened."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator

from .._client import BaijiayunClient
from .._models import Question
from ._output import Row

__all__ = ["ANSWER_COLUMNS", "LIVE_COLUMNS", "answer_rows", "live_status"]

LIVE_COLUMNS = [
    "room_id",
    "live",
    "teacher_online",
    "user_count",
    "display_user_count",
]
ANSWER_COLUMNS = [
    "question_id",
    "description",
    "right_option",
    "user_number",
    "user_name",
    "select_option",
    "is_right",
]


async def live_status(client: BaijiayunClient, room_id: int) -> Row:
    """Ask at once whether class is on, whether the teacher is in, and who is there."""
    live, teacher_online, count = await asyncio.gather(
        client.live.is_live(room_id),
        client.live.is_teacher_online(room_id),
        client.live.user_count(room_id),
    )
    return {
        "room_id": room_id,
        "live": live,
        "teacher_online": teacher_online,
        "user_count": count.user_count,
        "display_user_count": count.display_user_count,
    }


def answer_rows(questions: Iterable[Question]) -> Iterator[Row]:
    """Give one row per student answer, with its question beside it.

    A question nobody answered still gets one row, with the answer cells empty,
    so that it shows up in the export.
    """
    for question in questions:
        asked = {
            "question_id": question.question_id,
            "description": question.description,
            "right_option": question.right_option,
        }
        if not question.student_answer:
            yield {**asked, "user_number": None, "user_name": None}
        for answer in question.student_answer:
            yield {
                **asked,
                "user_number": answer.user_number,
                "user_name": answer.user_name,
                "select_option": answer.select_option,
                "is_right": answer.is_right,
            }
