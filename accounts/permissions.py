def can_manage_people(user) -> bool:
    """Organisations, roles and invitations are for programme admins."""
    return user.is_authenticated and user.is_programme_admin
