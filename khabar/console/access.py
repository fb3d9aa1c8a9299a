"""Who may use the console: signed-in, active staff only. Everyone else gets no access."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.decorators.cache import never_cache


def is_operator(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def staff_only(view):
    """Anonymous visitors are sent to the console's login; signed-in non-staff get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not is_operator(request.user):
            raise PermissionDenied("فقط گردانندگان سایت به میز کار دسترسی دارند.")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
