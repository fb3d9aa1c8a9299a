"""Helpers for the console's tests: staff and reader accounts, a signed-in client."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "گذرواژهٔ-آزمایشی-۱۲۳"


def make_user(username: str, *, staff: bool):
    return get_user_model().objects.create_user(username, password=PASSWORD, is_staff=staff)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
