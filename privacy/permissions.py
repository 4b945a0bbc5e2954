"""Who may do what with personal data. Views and tests use these alone."""

from .models import DataExport


def can_request_data_export(user) -> bool:
    return user.is_authenticated and user.is_active


def can_download_data_export(user, export: DataExport) -> bool:
    """Only the person the export is about, and only until it expires."""
    return user.is_authenticated and export.user_id == user.pk and export.is_downloadable


def can_delete_account(user) -> bool:
    """Everyone may delete their own account (the service refuses the last admin)."""
    return user.is_authenticated and user.is_active
