def can_manage_programmes(user) -> bool:
    """Creating programmes and changing their settings is for programme admins."""
    return user.is_authenticated and user.is_programme_admin
