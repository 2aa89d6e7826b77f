"""The public form's daily limit is exact: a per-day counter raised by a conditional UPDATE in
the transaction that stores the message, so concurrent posts cannot pass it together."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from passage.public import actions, tokens
from passage.public.models import DailyCount, Source, Submission

FORM = {"message": "I want to leave.", "names": "Kyaw Htoo", "urgency": 2}


def old_token():
    return tokens.issue(issued_at=time.time() - 30)


def send() -> bool:
    try:
        actions.submit_first(FORM, token=old_token(), language="en")
    except tokens.TokenError:
        return False
    return True


def send_at_once(n: int) -> list[bool]:
    """n posts from n threads (each its own connection), released together."""
    barrier = threading.Barrier(n)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            outcomes.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.django_db
@override_settings(PUBLIC_DAILY_LIMIT=3)
def test_the_limit_takes_exactly_that_many_messages_a_day(org):
    assert [send() for _ in range(5)] == [True, True, True, False, False]
    assert Submission.objects.count() == 3
    assert DailyCount.objects.get(day=timezone.localdate()).taken == 3
    assert tokens.daily_limit_reached()


@pytest.mark.django_db
@override_settings(PUBLIC_DAILY_LIMIT=2)
def test_a_message_that_is_not_saved_gives_its_place_back(org):
    token = old_token()
    actions.submit_first(FORM, token=token, language="en")
    with pytest.raises(tokens.TokenError, match="already sent"):
        actions.submit_first(FORM, token=token, language="en")  # the counter rolls back too
    assert DailyCount.objects.get().taken == 1
    assert send() and not send()


@pytest.mark.django_db
@override_settings(PUBLIC_DAILY_LIMIT=2)
def test_the_counter_starts_from_the_messages_already_stored_today(org):
    # Messages stored before the counter existed (the day it is deployed) still count.
    today = timezone.localdate()
    source = Source.objects.create(lookup_id="x" * 64, verifier="-", created_on=today)
    Submission.objects.create(source=source, sealed=b"-", received_on=today)
    assert send() and not send()
    assert Submission.objects.count() == 2


@pytest.mark.django_db
@override_settings(PUBLIC_DAILY_LIMIT=1)
def test_counters_of_past_days_are_not_kept(org):
    with transaction.atomic():
        DailyCount.objects.create(day=timezone.localdate() - timedelta(days=5), taken=1)
    assert send()
    assert list(DailyCount.objects.values_list("day", flat=True)) == [timezone.localdate()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PG")
@override_settings(PUBLIC_DAILY_LIMIT=2)
def test_concurrent_posts_for_the_last_places_do_not_pass_the_limit(org):
    assert send()  # the day's counter exists; one place is left for six posts at once
    assert send_at_once(6) == [False] * 5 + [True]
    assert Submission.objects.count() == 2
    assert DailyCount.objects.get().taken == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PG")
@override_settings(PUBLIC_DAILY_LIMIT=3)
def test_concurrent_first_posts_of_the_day_count_once_each(org):
    # No counter row yet: every post tries to create it at once; only one row, every post counted.
    assert send_at_once(5) == [False] * 2 + [True] * 3
    assert Submission.objects.count() == 3 and DailyCount.objects.get().taken == 3
