"""Reads of the change history kept for records edited in place."""

from bravely.planning.models.history import ChangeRecord


def history_of(obj):
    return (ChangeRecord.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk)
            .select_related("changed_by"))


def plan_history(plan):
    return ChangeRecord.objects.filter(plan=plan).select_related("changed_by")
