def can_view_audit_trail(user) -> bool:
    return user.is_authenticated and user.is_programme_admin
