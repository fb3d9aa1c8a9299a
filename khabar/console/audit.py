"""Writing the audit log: every console action calls ``record`` (in the same transaction as the action)."""

from __future__ import annotations

from khabar.console.models import AuditEntry


def record(request, action: str, obj=None, *, reason: str = "", detail: str = "", label: str = "") -> AuditEntry:
    """Append one entry: the signed-in user did ``action`` on ``obj`` because of ``reason``."""
    user = request.user if request.user.is_authenticated else None
    object_type = obj._meta.model_name if obj is not None else ""
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        reason=reason,
        detail=detail,
    )


def record_automatic(action: str, obj=None, *, reason: str = "", detail: str = "") -> AuditEntry:
    """Append one entry for what Khabar did by itself under an operator's standing decision
    (e.g. hiding an article that joined a taken-down story): no user."""
    return AuditEntry.objects.create(
        user=None,
        username="",
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(str(obj) if obj is not None else "")[:300],
        reason=reason,
        detail=detail,
    )


def filtered(params):
    """The audit log filtered by the query string (action, user, object type, text), newest first."""
    qs = AuditEntry.objects.all()
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    if params.get("user"):
        qs = qs.filter(username=params["user"])
    if params.get("type"):
        qs = qs.filter(object_type=params["type"])
    if params.get("q"):
        text = params["q"].strip()
        qs = qs.filter(object_label__icontains=text) | qs.filter(reason__icontains=text)
    return qs.order_by("-at", "-id")
